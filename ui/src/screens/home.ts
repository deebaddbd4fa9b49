// Home: "My interviews" (planned, home/myInterviews.ts), the sessions list
// with search and filters, "New interview", Plans, and the
// panel entry points: "Import sessions…" (or files dropped on the window),
// Candidates, Calibration, and each session's candidate panel.
import type { Ctx, Route, Screen } from "../app";
import type { CandidateClash } from "../bindings/CandidateClash";
import { clear, h } from "../dom";
import { importedCandidates, outcomeText } from "../panel";
import type { ImportedFile } from "../types";
import { openModal, topBar } from "../widgets";
import "../styles/home.css";
import "../styles/plans.css";
import { syncIndicator } from "../sync";
import { MyInterviews } from "./home/myInterviews";
import { SessionList } from "./home/sessionList";

export * from "./home/model";

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

export function homeScreen(ctx: Ctx, dropped?: string[]): Screen {
  const list = new SessionList(ctx);
  const mine = new MyInterviews(ctx);
  const importBtn = h("button", { class: "btn btn-small", attrs: { type: "button" } }, "Import sessions…");
  const importArea = h("div", { class: "import-area", attrs: { "aria-live": "polite" } });
  const runImport = importFlow(ctx, importBtn, importArea, () => list.load());
  importBtn.addEventListener("click", () => void runImport());
  const newBtn = h("button", { class: "btn btn-primary", attrs: { type: "button" } }, "New interview");
  newBtn.addEventListener("click", () => void ctx.go({ name: "new" }));
  const nav = (label: string, route: Route) => {
    const b = h("button", { class: "btn btn-small", attrs: { type: "button" } }, label);
    b.addEventListener("click", () => void ctx.go(route));
    return b;
  };
  const panelBar = h(
    "nav",
    { class: "subnav", attrs: { "aria-label": "Panels" } },
    importBtn,
    nav("Candidates", { name: "candidates" }),
    nav("Calibration", { name: "calibration" }),
    nav("Plans", { name: "plans" }),
    nav("Bank", { name: "bank" }),
    nav("Team", { name: "team" }),
    nav("Settings", { name: "settings" }),
  );
  const sync = syncIndicator(ctx.backend);
  const el = h(
    "div",
    { class: "screen screen-home" },
    topBar("Interviews", null, [sync.el, newBtn]),
    panelBar,
    h("main", { class: "content" }, importArea, mine.el, list.filters, list.pager, list.list),
  );
  void list.load();
  void mine.load();
  if (dropped?.length) void runImport(dropped);
  return {
    el,
    title: "Panelist",
    shown: () => list.search.focus(),
    leave: async () => {
      list.dispose();
      sync.dispose();
    },
  };
}

/**
 * Importing session files (picked, or dropped on the window): the person's
 * choice on a candidate clash, then one result view, or one error view.
 */
function importFlow(ctx: Ctx, importBtn: HTMLButtonElement, importArea: HTMLElement, reload: () => Promise<void>) {
  const dismiss = () => {
    clear(importArea);
    importBtn.focus();
  };
  const showImportError = (err: unknown) => {
    clear(importArea);
    importArea.appendChild(importErrorView(String((err as Error).message ?? err), dismiss));
    importArea.querySelector<HTMLElement>("h2")?.focus();
  };
  return async (paths?: string[]) => {
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
      await reload();
      importArea.querySelector<HTMLElement>("#import-title")?.focus();
    } catch (err) {
      showImportError(err);
    } finally {
      importBtn.disabled = false;
    }
  };
}
