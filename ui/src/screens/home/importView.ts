// Home's import: session files and interview plan files, picked or dropped
// on the window, imported file by file by the shell. One line per file (a
// refused file in one plain sentence, its technical details folded away), a
// colleague's changed key accepted after comparing both fingerprints, the
// person's choice on a candidate clash, and one panel per candidate identity.
import type { Ctx } from "../../app";
import type { CandidateClash } from "../../bindings/CandidateClash";
import type { KeyChange } from "../../bindings/KeyChange";
import { clear, h } from "../../dom";
import { importedCandidates, outcomeText } from "../../panel";
import type { ImportedFile } from "../../types";
import { confirmDialog, openModal } from "../../widgets";

/** "Imported 3 files", or "Imported 2 of 3 files" when some were refused. */
export function importTitle(files: ImportedFile[]): string {
  const n = files.length;
  const ok = files.filter((f) => !f.refused).length;
  return ok === n ? `Imported ${n} file${n === 1 ? "" : "s"}` : `Imported ${ok} of ${n} files`;
}

/** What a file's line is about: a session's outcome, "plan" or "refused". */
export function fileOutcome(f: ImportedFile): string {
  if (f.refused) return "refused";
  if (f.plan) return "plan";
  return f.result?.outcome.kind ?? "refused";
}

/** What an import did, file by file, with a way into each candidate's panel. */
export function importResultView(
  ctx: Ctx,
  files: ImportedFile[],
  dismiss: () => void,
  accept: (f: ImportedFile, k: KeyChange) => void = () => {},
): HTMLElement {
  const close = h(
    "button",
    { class: "btn btn-small", attrs: { type: "button", "aria-label": "Dismiss import results" } },
    "Dismiss",
  );
  close.addEventListener("click", dismiss);
  const open = importedCandidates(files).map((c) => {
    const b = h("button", { class: "btn btn-small", attrs: { type: "button" } }, `Open panel: ${c}`);
    b.addEventListener("click", () => void ctx.go({ name: "compare", candidate: c }));
    return b;
  });
  if (files.some((f) => f.plan)) {
    const b = h("button", { class: "btn btn-small", attrs: { type: "button" } }, "Open plans");
    b.addEventListener("click", () => void ctx.go({ name: "plans" }));
    open.push(b);
  }
  return h(
    "section",
    { class: "card import-result", attrs: { "aria-labelledby": "import-title" } },
    h(
      "div",
      { class: "card-head" },
      h("h2", { id: "import-title", attrs: { tabindex: -1 } }, importTitle(files)),
      close,
    ),
    h("ul", { class: "import-files" }, ...files.map((f) => fileItem(f, accept))),
    h("div", { class: "import-open" }, ...open),
  );
}

function fileItem(f: ImportedFile, accept: (f: ImportedFile, k: KeyChange) => void): HTMLElement {
  const li = h("li", { dataset: { outcome: fileOutcome(f) } }, h("strong", { class: "file" }, f.file));
  if (f.refused) {
    const r = f.refused;
    li.append(
      h("p", { class: "refusal" }, r.line),
      h("details", { class: "import-detail" }, h("summary", {}, "Details"), h("p", {}, r.detail)),
    );
    if (r.key_change) {
      const k = r.key_change;
      const b = h("button", { class: "btn btn-small", attrs: { type: "button" } }, "Accept the new key…");
      b.addEventListener("click", () => accept(f, k));
      li.append(h("div", { class: "import-actions" }, b));
    }
  } else if (f.plan) {
    const p = f.plan;
    li.append(
      h(
        "span",
        { class: "who" },
        `Interview plan for ${p.candidate}${p.coordinator ? ` (coordinator ${p.coordinator})` : ""}`,
      ),
      h("span", { class: "outcome outcome-plan" }, p.what),
      ...planNotes(p).map((t) => h("span", { class: "import-note" }, t)),
    );
  } else if (f.result) {
    const r = f.result;
    li.append(
      h("span", { class: "who" }, `${r.candidate} · ${r.interviewer}`),
      h(
        "span",
        { class: `outcome outcome-${r.outcome.kind}` },
        `${outcomeText(r.outcome)}${r.sealed ? " (sealed)" : ""}`,
      ),
      ...importNotes(r).map((t) => h("span", { class: "import-note" }, t)),
    );
  }
  return li;
}

/** What the core says about how a file was matched and who signed it. */
export function importNotes(r: NonNullable<ImportedFile["result"]>): string[] {
  const notes: string[] = [];
  if (r.candidate_note) notes.push(`Candidate: ${r.candidate_note}`);
  notes.push(r.signed_by ? `Signed by key ${r.signed_by}` : "Unsigned (a version 1 file)");
  if (r.key_note) notes.push(`Key: ${r.key_note}`);
  return notes;
}

function planNotes(p: NonNullable<ImportedFile["plan"]>): string[] {
  const notes: string[] = [];
  if (p.candidate_note) notes.push(`Candidate: ${p.candidate_note}`);
  notes.push(`Signed by key ${p.signed_by}`);
  if (p.key_note) notes.push(`Key: ${p.key_note}`);
  return notes;
}

/**
 * Asks whether to accept a colleague's new key, showing the key pinned here
 * and the file's, to compare with them; resolves true on accept.
 */
export function keyDialog(file: string, k: KeyChange): Promise<boolean> {
  const body = h(
    "div",
    { class: "key-change" },
    h(
      "p",
      {},
      `${file} is signed with another key than the one pinned here for ${k.who}. That is expected when ${k.who} uses a new computer or reinstalled Panelist; it is also what a forged file looks like.`,
    ),
    h(
      "dl",
      { class: "fingerprints" },
      h("dt", {}, "Pinned key"),
      h("dd", { class: "fp-pinned" }, k.pinned),
      h("dt", {}, "New key (this file)"),
      h("dd", { class: "fp-new" }, k.new),
    ),
    h(
      "p",
      { class: "hint" },
      `Ask ${k.who} to read out their new key's fingerprint (Team or Settings shows it), by phone or in person, not in the message that brought the file. Accept only if it matches. Their later files must then carry the new key.`,
    ),
  );
  return confirmDialog(`Accept ${k.who}’s new key?`, body, "Accept the new key", "key-dialog");
}

/**
 * A refused import as one clear line, naming the file, never cut off: the
 * parser's details (serde paths, line and column) go into a collapsed
 * "Details".
 */
export function importErrorText(message: string): { line: string; detail: string | null } {
  const first = message.split("\n")[0]!.trim();
  const m = /^([^:]+\.json): (.*)$/i.exec(first);
  const file = m ? m[1]! : null;
  const rest = m ? m[2]! : first;
  const parser = /^(session|plan) file( at [^:]*)?: /.exec(rest);
  const technical = /invalid type|missing field|unknown (field|variant)|expected |EOF|line \d+ column \d+|trailing/i;
  let line = first;
  if (parser && technical.test(rest)) {
    line = `${file ?? "The file"} is not a Panelist session or plan file, or it is damaged.`;
  } else if (/not valid UTF-8/.test(rest)) {
    line = `${file ?? "The file"} is not a Panelist session or plan file (it is not text).`;
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
      "Merge files the session under the candidate already here. Keep apart files it under a separate candidate. Nothing of it is imported until you choose.",
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
  const t = importErrorText(message);
  return h(
    "section",
    { class: "card import-error", attrs: { role: "alert" } },
    h("div", { class: "card-head" }, h("h2", { attrs: { tabindex: -1 } }, "Nothing was imported"), close),
    h("p", { class: "error" }, t.line),
    t.detail ? h("details", { class: "import-detail" }, h("summary", {}, "Details"), h("p", {}, t.detail)) : null,
    h("p", { class: "hint" }, "Nothing was changed; import the files again."),
  );
}

/** The files of `done` in place of those with the same path in `files`. */
function merged(files: ImportedFile[], done: ImportedFile[]): ImportedFile[] {
  return files.map((f) => done.find((d) => d.path === f.path) ?? f);
}

/**
 * Importing files (picked, or dropped on the window): one result view, file
 * by file; the person's choice on a candidate clash re-runs the clashing
 * files, and a changed key is accepted from a file's line. One error view
 * when the import could not run at all.
 */
export function importFlow(
  ctx: Ctx,
  importBtn: HTMLButtonElement,
  importArea: HTMLElement,
  reload: () => Promise<void>,
) {
  const dismiss = () => {
    clear(importArea);
    importBtn.focus();
  };
  const showImportError = (err: unknown) => {
    clear(importArea);
    importArea.appendChild(importErrorView(String((err as Error).message ?? err), dismiss));
    importArea.querySelector<HTMLElement>("h2")?.focus();
  };
  let shown: ImportedFile[] = [];
  const show = (files: ImportedFile[]) => {
    shown = files;
    clear(importArea);
    importArea.appendChild(importResultView(ctx, files, dismiss, (f, k) => void acceptKey(f, k)));
  };
  const acceptKey = async (f: ImportedFile, k: KeyChange) => {
    if (!(await keyDialog(f.file, k))) return;
    let done: ImportedFile;
    try {
      done = await ctx.backend.acceptNewKey(f.path, k.new);
    } catch (err) {
      const message = String((err as Error).message ?? err);
      done = {
        file: f.file,
        path: f.path,
        refused: {
          line: importErrorText(message).line,
          detail: message,
          code: "conflict",
          key_change: null,
          clash: false,
        },
      };
    }
    show(merged(shown, [done]));
    await reload();
    importArea.querySelector<HTMLElement>("#import-title")?.focus();
  };
  return async (paths?: string[]) => {
    importBtn.disabled = true;
    try {
      let files: ImportedFile[] | null;
      try {
        files = await ctx.backend.importSessionFiles(paths);
      } catch (err) {
        // An older whole-import refusal of a clash: ask, then re-run.
        if (!isCandidateClash(err)) throw err;
        const choice = await clashDialog((err as Error).message);
        if (choice === null) {
          importBtn.focus();
          return;
        }
        files = await ctx.backend.importWithClash(choice);
      }
      if (files === null) return;
      const clash = files.find((f) => f.refused?.clash);
      if (clash) {
        const choice = await clashDialog(`${clash.file}: ${clash.refused!.detail}`);
        const decided = choice === null ? null : await ctx.backend.importWithClash(choice);
        if (decided) files = merged(files, decided);
      }
      show(files);
      await reload();
      importArea.querySelector<HTMLElement>("#import-title")?.focus();
    } catch (err) {
      showImportError(err);
    } finally {
      importBtn.disabled = false;
    }
  };
}
