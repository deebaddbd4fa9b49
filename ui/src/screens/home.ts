// Home: the sessions list with search and filters, "New interview", and the
// panel entry points: "Import sessions…" (or files dropped on the window),
// Candidates, Calibration, and each session's candidate panel.
import type { Ctx, Screen } from "../app";
import type { SessionSummary } from "../bindings/SessionSummary";
import type { Status } from "../bindings/Status";
import { clear, field, h } from "../dom";
import { recommendationLabel, shortDate, statusLabel } from "../format";
import { importedCandidates, outcomeText } from "../panel";
import type { ImportedFile } from "../types";
import { topBar } from "../widgets";

export type DateRange = "" | "today" | "7d" | "30d";

/** Client-side status and date filters (text search is done by the core). */
export function filterSummaries(
  rows: SessionSummary[],
  status: Status | "",
  range: DateRange,
  nowMs: number,
): SessionSummary[] {
  const startOfToday = new Date(nowMs);
  startOfToday.setHours(0, 0, 0, 0);
  const since =
    range === "today"
      ? startOfToday.getTime()
      : range === "7d"
        ? nowMs - 7 * 86400_000
        : range === "30d"
          ? nowMs - 30 * 86400_000
          : -Infinity;
  return rows.filter((r) => {
    if (status && r.status !== status) return false;
    const t = Date.parse(r.started_at ?? r.created_at);
    return Number.isNaN(t) ? range === "" : t >= since;
  });
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
  const count = h("p", { class: "hint", attrs: { "aria-live": "polite" } });
  const newBtn = h("button", { class: "btn btn-primary", attrs: { type: "button" } }, "New interview");
  newBtn.addEventListener("click", () => void ctx.go({ name: "new" }));
  const importBtn = h("button", { class: "btn btn-small", attrs: { type: "button" } }, "Import sessions…");
  const candidatesBtn = h("button", { class: "btn btn-small", attrs: { type: "button" } }, "Candidates");
  candidatesBtn.addEventListener("click", () => void ctx.go({ name: "candidates" }));
  const calibrationBtn = h("button", { class: "btn btn-small", attrs: { type: "button" } }, "Calibration");
  calibrationBtn.addEventListener("click", () => void ctx.go({ name: "calibration" }));
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

  let rows: SessionSummary[] = [];
  let seq = 0;

  const render = () => {
    const shown = filterSummaries(rows, status.value as Status | "", range.value as DateRange, Date.now());
    clear(list);
    count.textContent =
      rows.length === 0 ? "" : `${shown.length} of ${rows.length} interview${rows.length === 1 ? "" : "s"}`;
    if (shown.length === 0) {
      list.appendChild(
        h(
          "li",
          { class: "empty" },
          rows.length === 0 && !search.value
            ? "No interviews yet. Start one with “New interview”."
            : "Nothing matches.",
        ),
      );
      return;
    }
    for (const r of shown) {
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
      const text = search.value.trim();
      const got = await ctx.backend.listSessions({ text: text || null, candidate: null });
      if (mine === seq) {
        rows = got;
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
    debounce = setTimeout(() => void load(), 150);
  });
  status.addEventListener("change", render);
  range.addEventListener("change", render);

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
  );
  const el = h(
    "div",
    { class: "screen screen-home" },
    topBar("Interviews", null, [newBtn]),
    panelBar,
    h("main", { class: "content" }, importArea, filters, count, list),
  );
  void load();
  if (dropped?.length) void runImport(dropped);
  return {
    el,
    title: "Panelist",
    shown: () => search.focus(),
    leave: async () => clearTimeout(debounce),
  };
}
