// Home: the sessions list with search and filters, "New interview", and the
// panel entry points: "Import sessions…" (or files dropped on the window),
// Candidates, Calibration, and each session's candidate panel.
import type { Ctx, Screen } from "../app";
import type { SessionFilter } from "../bindings/SessionFilter";
import type { CandidateClash } from "../bindings/CandidateClash";
import type { SessionPage } from "../bindings/SessionPage";
import type { SessionSummary } from "../bindings/SessionSummary";
import type { Status } from "../bindings/Status";
import { clear, field, h, toast } from "../dom";
import { recommendationLabel, shortDate, statusLabel } from "../format";
import { importedCandidates, outcomeText } from "../panel";
import type { ImportedFile } from "../types";
import { confirmDialog, openModal, topBar } from "../widgets";
import "../styles/home.css";
import { syncIndicator } from "../sync";

export type DateRange = "" | "today" | "7d" | "30d";

/** Rows per page of the session list. */
export const PAGE_SIZE = 50;

/** The core's filter for the search box, status and date range. */
export function sessionFilter(text: string, status: Status | "", range: DateRange, nowMs: number): SessionFilter {
  const filter: SessionFilter = { text: text.trim() || null, candidate: null };
  if (status) filter.status = status;
  if (range) {
    const startOfToday = new Date(nowMs);
    startOfToday.setHours(0, 0, 0, 0);
    const since = range === "today" ? startOfToday.getTime() : nowMs - (range === "7d" ? 7 : 30) * 86400_000;
    filter.from = new Date(since).toISOString();
  }
  return filter;
}

/** "Sessions 1–50 of 120"; empty when nothing matches. */
export function pageLabel(p: SessionPage): string {
  if (p.total === 0 || p.rows.length === 0) return "";
  return `Sessions ${p.offset + 1}–${p.offset + p.rows.length} of ${p.total}`;
}

/** What an import did, file by file, with a way into each candidate's panel. */
export function importResultView(ctx: Ctx, files: ImportedFile[], dismiss: () => void): HTMLElement {
  const close = h(
    "button",
    { class: "btn btn-small", attrs: { type: "button", "aria-label": "Dismiss import results" } },
    "Dismiss",
  );
  close.addEventListener("click", dismiss);
  const n = files.length;
  return h(
    "section",
    { class: "card import-result", attrs: { "aria-labelledby": "import-title" } },
    h(
      "div",
      { class: "card-head" },
      h("h2", { id: "import-title", attrs: { tabindex: -1 } }, `Imported ${n} file${n === 1 ? "" : "s"}`),
      close,
    ),
    h(
      "ul",
      { class: "import-files" },
      ...files.map((f) =>
        h(
          "li",
          { dataset: { outcome: f.result.outcome.kind } },
          h("strong", { class: "file" }, f.file),
          h("span", { class: "who" }, `${f.result.candidate} · ${f.result.interviewer}`),
          h(
            "span",
            { class: `outcome outcome-${f.result.outcome.kind}` },
            `${outcomeText(f.result.outcome)}${f.result.sealed ? " (sealed)" : ""}`,
          ),
          ...importNotes(f.result).map((t) => h("span", { class: "import-note" }, t)),
        ),
      ),
    ),
    h(
      "div",
      { class: "import-open" },
      ...importedCandidates(files).map((c) => {
        const b = h("button", { class: "btn btn-small", attrs: { type: "button" } }, `Open panel: ${c}`);
        b.addEventListener("click", () => void ctx.go({ name: "compare", candidate: c }));
        return b;
      }),
    ),
  );
}

/** What the core says about how a file was matched and who signed it. */
export function importNotes(r: ImportedFile["result"]): string[] {
  const notes: string[] = [];
  if (r.candidate_note) notes.push(`Candidate: ${r.candidate_note}`);
  notes.push(r.signed_by ? `Signed by key ${r.signed_by}` : "Unsigned (a version 1 file)");
  if (r.key_note) notes.push(`Key: ${r.key_note}`);
  return notes;
}

/**
 * A refused import as one clear line, naming the file: the parser's
 * details (serde paths, line and column) go into a collapsed "Details".
 */
export function importErrorText(message: string): { line: string; detail: string | null } {
  const first = message.split("\n")[0]!.trim();
  const m = /^([^:]+\.json): (.*)$/i.exec(first);
  const file = m ? m[1]! : null;
  const rest = m ? m[2]! : first;
  const parser = /^session file( at [^:]*)?: /.exec(rest);
  const technical = /invalid type|missing field|unknown (field|variant)|expected |EOF|line \d+ column \d+|trailing/i;
  let line = first;
  if (parser && technical.test(rest)) {
    const where = parser[1] ? parser[1].replace(/^ at /, "") : "";
    line = `${file ?? "The file"} is not a Panelist session file, or it is damaged${where ? ` (at ${where})` : ""}.`;
  } else if (/not valid UTF-8/.test(rest)) {
    line = `${file ?? "The file"} is not a Panelist session file (it is not text).`;
  } else if (first.length > 240) {
    line = `${first.slice(0, 237)}…`;
  }
  return { line, detail: line === message.trim() ? null : message.trim() };
}

/** The core refused because a file's candidate id names someone else here. */
export function isCandidateClash(err: unknown): boolean {
  const e = err as { code?: string; message?: string } | null;
  return e?.code === "conflict" && String(e?.message ?? "").includes("choosing to merge them");
}

/** Asks whether two names with one candidate id are one person. */
export function clashDialog(message: string): Promise<CandidateClash | null> {
  const merge = h("button", { class: "btn btn-primary", attrs: { type: "button" } }, "Same person: merge");
  const apart = h("button", { class: "btn", attrs: { type: "button" } }, "Different people: keep apart");
  const cancel = h("button", { class: "btn", attrs: { type: "button" } }, "Cancel");
  const dlg = h(
    "dialog",
    { class: "dialog clash-dialog", attrs: { "aria-labelledby": "clash-title" } },
    h("h2", { id: "clash-title" }, "Is this the same candidate?"),
    h("p", {}, message),
    h(
      "p",
      { class: "hint" },
      "Merge files the session under the candidate already here. Keep apart files it under a separate candidate. Nothing is imported until you choose.",
    ),
    h("div", { class: "dialog-actions" }, cancel, apart, merge),
  );
  let result: CandidateClash | null = null;
  merge.addEventListener("click", () => {
    result = "merge";
    dlg.close();
  });
  apart.addEventListener("click", () => {
    result = "keep_apart";
    dlg.close();
  });
  cancel.addEventListener("click", () => dlg.close());
  return openModal(dlg, cancel, () => result);
}

export function importErrorView(message: string, dismiss: () => void): HTMLElement {
  const close = h(
    "button",
    { class: "btn btn-small", attrs: { type: "button", "aria-label": "Dismiss import error" } },
    "Dismiss",
  );
  close.addEventListener("click", dismiss);
  return h(
    "section",
    { class: "card import-error", attrs: { role: "alert" } },
    h("div", { class: "card-head" }, h("h2", { attrs: { tabindex: -1 } }, "Nothing was imported"), close),
    h("p", { class: "error" }, importErrorText(message).line),
    importErrorText(message).detail
      ? h(
          "details",
          { class: "import-detail" },
          h("summary", {}, "Details"),
          h("p", {}, importErrorText(message).detail),
        )
      : null,
    h("p", { class: "hint" }, "Import is all or nothing: fix or leave out that file and import again."),
  );
}

/** Rows grouped by candidate, in the order each candidate first appears. */
export function groupByCandidate(rows: SessionSummary[]): [string, SessionSummary[]][] {
  const groups = new Map<string, SessionSummary[]>();
  for (const r of rows) {
    const g = groups.get(r.candidate);
    if (g) g.push(r);
    else groups.set(r.candidate, [r]);
  }
  return [...groups];
}

/** Own drafts and interviews in progress, and imported sessions, can be deleted. */
export function deletable(r: SessionSummary): boolean {
  return r.imported || r.status !== "submitted";
}

/** "Grace Hopper's interview of Lin Wei" / "the session Ravi Kumar sent for Lin Wei". */
export function deleteWhat(r: SessionSummary): string {
  return r.imported
    ? `${r.interviewer}’s imported session for ${r.candidate}`
    : `${r.interviewer}’s interview of ${r.candidate}`;
}

/** What a deletion removes, for its confirmation. */
export function deleteMessage(r: SessionSummary): string {
  const state = r.imported || r.status === null ? "imported" : statusLabel(r.status).toLowerCase();
  const counts = r.scored === null ? "" : ` (${r.scored} of ${r.questions} questions scored)`;
  return `This deletes the ${state} session${counts} with its scores, notes, summary and audit entries, for good. ${r.candidate} stays unless this is their last session.`;
}

/** What erasing a candidate removes, for its confirmation. */
export function eraseMessage(candidate: string, sessions: SessionSummary[]): string {
  const n = sessions.length;
  const own = sessions.filter((s) => !s.imported).length;
  const others = [...new Set(sessions.filter((s) => s.imported).map((s) => s.interviewer))];
  const parts = [`${own} of yours`];
  if (others.length) parts.push(`${n - own} from ${others.join(", ")}`);
  return `This erases ${candidate} and all ${n} of their session${n === 1 ? "" : "s"} (${parts.join("; ")}): every score, note, summary, recommendation and audit entry, down to the bytes in the database file. The audit keeps only a record that an erasure happened, without the name. This cannot be undone.`;
}

export function homeScreen(ctx: Ctx, dropped?: string[]): Screen {
  const search = h("input", {
    attrs: { type: "search", placeholder: "Candidate, interviewer or role", autocomplete: "off" },
  });
  const status = h(
    "select",
    {},
    h("option", { attrs: { value: "" } }, "Any status"),
    h("option", { attrs: { value: "in_progress" } }, "In progress"),
    h("option", { attrs: { value: "submitted" } }, "Submitted"),
    h("option", { attrs: { value: "draft" } }, "Draft"),
  );
  const range = h(
    "select",
    {},
    h("option", { attrs: { value: "" } }, "Any date"),
    h("option", { attrs: { value: "today" } }, "Today"),
    h("option", { attrs: { value: "7d" } }, "Last 7 days"),
    h("option", { attrs: { value: "30d" } }, "Last 30 days"),
  );
  const list = h("ul", { class: "session-list", attrs: { "aria-label": "Interviews" } });
  const count = h("p", { class: "hint page-label", attrs: { "aria-live": "polite" } });
  const prevBtn = h(
    "button",
    { class: "btn btn-small page-prev", attrs: { type: "button", "aria-label": "Previous page of sessions" } },
    "‹ Previous",
  );
  const nextBtn = h(
    "button",
    { class: "btn btn-small page-next", attrs: { type: "button", "aria-label": "Next page of sessions" } },
    "Next ›",
  );
  const pager = h("nav", { class: "pager", attrs: { "aria-label": "Session pages" } }, prevBtn, count, nextBtn);
  const newBtn = h("button", { class: "btn btn-primary", attrs: { type: "button" } }, "New interview");
  newBtn.addEventListener("click", () => void ctx.go({ name: "new" }));
  const importBtn = h("button", { class: "btn btn-small", attrs: { type: "button" } }, "Import sessions…");
  const candidatesBtn = h("button", { class: "btn btn-small", attrs: { type: "button" } }, "Candidates");
  candidatesBtn.addEventListener("click", () => void ctx.go({ name: "candidates" }));
  const calibrationBtn = h("button", { class: "btn btn-small", attrs: { type: "button" } }, "Calibration");
  calibrationBtn.addEventListener("click", () => void ctx.go({ name: "calibration" }));
  const bankBtn = h("button", { class: "btn btn-small", attrs: { type: "button" } }, "Bank");
  bankBtn.addEventListener("click", () => void ctx.go({ name: "bank" }));
  const teamBtn = h("button", { class: "btn btn-small", attrs: { type: "button" } }, "Team");
  teamBtn.addEventListener("click", () => void ctx.go({ name: "team" }));
  const sync = syncIndicator(ctx.backend);
  const importArea = h("div", { class: "import-area", attrs: { "aria-live": "polite" } });
  const dismiss = () => {
    clear(importArea);
    importBtn.focus();
  };

  const showImportError = (err: unknown) => {
    clear(importArea);
    importArea.appendChild(importErrorView(String((err as Error).message ?? err), dismiss));
    importArea.querySelector<HTMLElement>("h2")?.focus();
  };
  const runImport = async (paths?: string[]) => {
    importBtn.disabled = true;
    try {
      let files: ImportedFile[] | null;
      try {
        files = await ctx.backend.importSessionFiles(paths);
      } catch (err) {
        if (!isCandidateClash(err)) throw err;
        const choice = await clashDialog((err as Error).message);
        if (choice === null) {
          importBtn.focus();
          return;
        }
        files = await ctx.backend.importWithClash(choice);
      }
      if (files === null) return;
      clear(importArea);
      importArea.appendChild(importResultView(ctx, files, dismiss));
      await load();
      importArea.querySelector<HTMLElement>("#import-title")?.focus();
    } catch (err) {
      showImportError(err);
    } finally {
      importBtn.disabled = false;
    }
  };
  importBtn.addEventListener("click", () => void runImport());

  let page: SessionPage = { rows: [], total: 0, offset: 0, limit: PAGE_SIZE };
  let offset = 0;
  let seq = 0;
  const filtered = () => search.value.trim() !== "" || status.value !== "" || range.value !== "";

  let groupSeq = 0;
  const render = () => {
    clear(list);
    count.textContent = pageLabel(page);
    prevBtn.disabled = page.offset === 0;
    nextBtn.disabled = page.offset + page.rows.length >= page.total;
    if (page.rows.length === 0) {
      list.appendChild(
        h(
          "li",
          { class: "empty" },
          page.total === 0 && !filtered() ? "No interviews yet. Start one with “New interview”." : "Nothing matches.",
        ),
      );
      return;
    }
    for (const [candidate, rows] of groupByCandidate(page.rows)) {
      const headingId = `cand-${++groupSeq}`;
      const panel = h(
        "button",
        { class: "btn btn-small panel-btn", attrs: { type: "button", "aria-label": `Panel for ${candidate}` } },
        "Panel",
      );
      panel.addEventListener("click", () => void ctx.go({ name: "compare", candidate }));
      const erase = h(
        "button",
        {
          class: "btn btn-small btn-danger-quiet erase-btn",
          attrs: { type: "button", "aria-label": `Erase ${candidate}` },
        },
        "Erase",
      );
      erase.addEventListener("click", () => void eraseCandidate(candidate, erase));
      list.appendChild(
        h(
          "li",
          { class: "candidate-group", dataset: { candidate } },
          h("div", { class: "group-head" }, h("h2", { id: headingId }, candidate), panel, erase),
          h("ul", { class: "group-rows", attrs: { "aria-labelledby": headingId } }, ...rows.map(sessionItem)),
        ),
      );
    }
  };

  function sessionItem(r: SessionSummary): HTMLElement {
    const target = r.status === "submitted" ? "summary" : "live";
    const open = h(
      "button",
      { class: "session-row", attrs: { type: "button" }, dataset: { session: r.id } },
      h("span", { class: "row-main" }, h("strong", {}, r.candidate), r.role ? ` · ${r.role}` : ""),
      h(
        "span",
        { class: "row-meta" },
        `${shortDate(r.started_at ?? r.created_at)} · ${r.interviewer} · ${r.scored === null ? "sealed" : `${r.scored}/${r.questions} scored`}`,
      ),
      h(
        "span",
        { class: `badge badge-${r.status ?? "sealed"}${r.imported ? " badge-imported" : ""}` },
        r.imported
          ? "Imported"
          : r.status === "submitted"
            ? `Submitted · ${recommendationLabel(r.recommendation)}`
            : r.status === null
              ? "Sealed"
              : statusLabel(r.status),
      ),
    );
    // Others' sessions are read-only here: they open in the candidate's panel.
    open.addEventListener(
      "click",
      () => void ctx.go(r.imported ? { name: "compare", candidate: r.candidate } : { name: target, id: r.id }),
    );
    const item = h("li", { class: "session-item" }, open);
    if (deletable(r)) {
      const del = h(
        "button",
        {
          class: "btn btn-small btn-danger-quiet delete-btn",
          attrs: { type: "button", "aria-label": `Delete ${deleteWhat(r)}` },
          dataset: { session: r.id },
        },
        "Delete",
      );
      del.addEventListener("click", () => void deleteSession(r));
      item.appendChild(del);
    }
    return item;
  }

  /** After a removal, focus the next row (or the one before, or the search box). */
  const focusAfterRemoval = (index: number) => {
    const rows = [...list.querySelectorAll<HTMLElement>("button.session-row")];
    (rows[Math.min(index, rows.length - 1)] ?? search).focus();
  };

  const deleteSession = async (r: SessionSummary) => {
    const index = [...list.querySelectorAll<HTMLElement>("button.session-row")].findIndex(
      (b) => b.dataset.session === r.id,
    );
    const ok = await confirmDialog(`Delete ${deleteWhat(r)}?`, deleteMessage(r), "Delete for good");
    if (!ok) {
      list.querySelector<HTMLElement>(`button.delete-btn[data-session="${r.id}"]`)?.focus();
      return;
    }
    try {
      await ctx.backend.deleteSession(r.id);
      toast(`Deleted ${deleteWhat(r)}.`);
    } catch (err) {
      toast(`Not deleted: ${(err as Error).message}`, "error", 8000);
    }
    await load();
    focusAfterRemoval(Math.max(0, index));
  };

  const eraseCandidate = async (candidate: string, button: HTMLElement) => {
    let sessions: SessionSummary[] = [];
    try {
      sessions = (await ctx.backend.listSessions({ text: null, candidate }, 0, 500)).rows;
    } catch {
      // The confirmation still names the candidate.
    }
    const ok = await confirmDialog(`Erase ${candidate}?`, eraseMessage(candidate, sessions), "Erase for good");
    if (!ok) {
      button.focus();
      return;
    }
    try {
      const e = await ctx.backend.eraseCandidate(candidate);
      toast(`Erased ${candidate}: ${e.sessions} session${e.sessions === 1 ? "" : "s"}.`);
    } catch (err) {
      toast(`Not erased: ${(err as Error).message}`, "error", 8000);
    }
    await load();
    focusAfterRemoval(0);
  };

  const load = async () => {
    const mine = ++seq;
    try {
      const filter = sessionFilter(search.value, status.value as Status | "", range.value as DateRange, Date.now());
      let got = await ctx.backend.listSessions(filter, offset, PAGE_SIZE);
      // The last page emptied (sessions went away): show the last one that has rows.
      if (got.rows.length === 0 && got.total > 0 && offset > 0) {
        offset = Math.floor((got.total - 1) / PAGE_SIZE) * PAGE_SIZE;
        got = await ctx.backend.listSessions(filter, offset, PAGE_SIZE);
      }
      if (mine === seq) {
        page = got;
        render();
      }
    } catch (err) {
      clear(list);
      list.appendChild(
        h(
          "li",
          { class: "error", attrs: { role: "alert" } },
          `Cannot load interviews: ${String((err as Error).message ?? err)}`,
        ),
      );
    }
  };

  let debounce: ReturnType<typeof setTimeout> | undefined;
  search.addEventListener("input", () => {
    clearTimeout(debounce);
    debounce = setTimeout(() => {
      offset = 0;
      void load();
    }, 150);
  });
  const refilter = () => {
    offset = 0;
    void load();
  };
  status.addEventListener("change", refilter);
  range.addEventListener("change", refilter);
  // At the first or last page the pressed button is disabled: keep the
  // keyboard focus in the pager by moving it to the other one.
  prevBtn.addEventListener("click", async () => {
    offset = Math.max(0, page.offset - PAGE_SIZE);
    await load();
    if (prevBtn.disabled && !nextBtn.disabled) nextBtn.focus();
  });
  nextBtn.addEventListener("click", async () => {
    offset = page.offset + PAGE_SIZE;
    await load();
    if (nextBtn.disabled && !prevBtn.disabled) prevBtn.focus();
  });

  const filters = h(
    "div",
    { class: "filters" },
    field("Search", search),
    h("div", { class: "row" }, field("Status", status), field("Date", range)),
  );
  const panelBar = h(
    "nav",
    { class: "subnav", attrs: { "aria-label": "Panels" } },
    importBtn,
    candidatesBtn,
    calibrationBtn,
    bankBtn,
    teamBtn,
  );
  const el = h(
    "div",
    { class: "screen screen-home" },
    topBar("Interviews", null, [sync.el, newBtn]),
    panelBar,
    h("main", { class: "content" }, importArea, filters, pager, list),
  );
  void load();
  if (dropped?.length) void runImport(dropped);
  return {
    el,
    title: "Panelist",
    shown: () => search.focus(),
    leave: async () => {
      clearTimeout(debounce);
      sync.dispose();
    },
  };
}
