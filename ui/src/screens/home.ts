// Home: the sessions list with search and filters, "New interview", and the
// panel entry points: "Import sessions…" (or files dropped on the window),
// Candidates, Calibration, and each session's candidate panel.
import type { Ctx, Screen } from "../app";
import type { SessionFilter } from "../bindings/SessionFilter";
import type { SessionPage } from "../bindings/SessionPage";
import type { Status } from "../bindings/Status";
import { clear, field, h } from "../dom";
import { recommendationLabel, shortDate, statusLabel } from "../format";
import { importedCandidates, outcomeText } from "../panel";
import type { ImportedFile } from "../types";
import { syncIndicator } from "../sync";
import { topBar } from "../widgets";

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
    h("div", { class: "card-head" }, h("h2", { id: "import-title" }, `Imported ${n} file${n === 1 ? "" : "s"}`), close),
    h(
      "ul",
      { class: "import-files" },
      ...files.map((f) =>
        h(
          "li",
          { dataset: { outcome: f.result.outcome.kind } },
          h("strong", { class: "file" }, f.file),
          h("span", { class: "who" }, `${f.result.candidate} · ${f.result.interviewer}`),
          h("span", { class: `outcome outcome-${f.result.outcome.kind}` }, outcomeText(f.result.outcome)),
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
    h("div", { class: "card-head" }, h("h2", {}, "Nothing was imported"), close),
    h("p", { class: "error" }, message),
    h("p", { class: "hint" }, "Import is all or nothing: fix or leave out that file and import again."),
  );
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
  const teamBtn = h("button", { class: "btn btn-small", attrs: { type: "button" } }, "Team");
  teamBtn.addEventListener("click", () => void ctx.go({ name: "team" }));
  const sync = syncIndicator(ctx.backend);
  const importArea = h("div", { class: "import-area", attrs: { "aria-live": "polite" } });
  const dismiss = () => clear(importArea);

  const runImport = async (paths?: string[]) => {
    importBtn.disabled = true;
    try {
      const files = await ctx.backend.importSessionFiles(paths);
      if (files === null) return;
      clear(importArea);
      importArea.appendChild(importResultView(ctx, files, dismiss));
      await load();
    } catch (err) {
      clear(importArea);
      importArea.appendChild(importErrorView(String((err as Error).message ?? err), dismiss));
    } finally {
      importBtn.disabled = false;
    }
  };
  importBtn.addEventListener("click", () => void runImport());

  let page: SessionPage = { rows: [], total: 0, offset: 0, limit: PAGE_SIZE };
  let offset = 0;
  let seq = 0;
  const filtered = () => search.value.trim() !== "" || status.value !== "" || range.value !== "";

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
    for (const r of page.rows) {
      const target = r.status === "submitted" ? "summary" : "live";
      const open = h(
        "button",
        { class: "session-row", attrs: { type: "button" } },
        h("span", { class: "row-main" }, h("strong", {}, r.candidate), r.role ? ` · ${r.role}` : ""),
        h(
          "span",
          { class: "row-meta" },
          `${shortDate(r.started_at ?? r.created_at)} · ${r.interviewer} · ${r.scored}/${r.questions} scored`,
        ),
        h(
          "span",
          { class: `badge badge-${r.status}${r.imported ? " badge-imported" : ""}` },
          r.imported
            ? "Imported"
            : r.status === "submitted"
              ? `Submitted · ${recommendationLabel(r.recommendation)}`
              : statusLabel(r.status),
        ),
      );
      open.setAttribute(
        "aria-label",
        `${r.candidate}${r.role ? `, ${r.role}` : ""}, ${r.imported ? `imported from ${r.interviewer}` : statusLabel(r.status)}, ${shortDate(r.started_at ?? r.created_at)}`,
      );
      // Others' sessions are read-only here: they open in the candidate's panel.
      open.addEventListener(
        "click",
        () => void ctx.go(r.imported ? { name: "compare", candidate: r.candidate } : { name: target, id: r.id }),
      );
      const panel = h(
        "button",
        { class: "btn btn-small panel-btn", attrs: { type: "button", "aria-label": `Panel for ${r.candidate}` } },
        "Panel",
      );
      panel.addEventListener("click", () => void ctx.go({ name: "compare", candidate: r.candidate }));
      list.appendChild(h("li", { class: "session-item" }, open, panel));
    }
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
