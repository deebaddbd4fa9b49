// Small shared widgets: the save indicator, the top bar, the key-map dialog.
import { h, nextId } from "./dom";
import { KEY_MAP, KEY_MAP_WHY } from "./keys";
import { themeControl } from "./theme";
import type { SaveQueue, SaveStatus } from "./saver";

const LABELS: Record<SaveStatus, string> = {
  saved: "Saved",
  saving: "Saving…",
  retrying: "Not saved – retrying",
  failed: "Not saved",
};

export function saveStatusLabel(s: SaveStatus): string {
  return LABELS[s];
}

/**
 * "Saved / Saving… / Not saved – retrying". `dirty` reports typed text that
 * has not reached the queue yet (it counts as saving).
 */
export function saveIndicator(queue: SaveQueue, dirty: () => boolean = () => false) {
  const el = h("span", { class: "save-status", attrs: { role: "status", "aria-live": "polite" } });
  const render = () => {
    let s = queue.status;
    if (s === "saved" && dirty()) s = "saving";
    el.textContent = LABELS[s];
    el.dataset.state = s;
  };
  const off = queue.subscribe(render);
  return { el, refresh: render, dispose: off };
}

export function topBar(title: string, left: HTMLElement | null, right: (HTMLElement | null)[]): HTMLElement {
  return h(
    "header",
    { class: "topbar" },
    left,
    h("h1", { class: "topbar-title", attrs: { tabindex: "-1" } }, title),
    h("div", { class: "topbar-right" }, ...right),
  );
}

export function keyMapDialog(): HTMLDialogElement {
  const rows = KEY_MAP.map((r) =>
    h("tr", {}, h("th", { attrs: { scope: "row" } }, h("kbd", {}, r.keys)), h("td", {}, r.what)),
  );
  const close = h("button", { class: "btn", attrs: { type: "button" } }, "Close");
  const dlg = h(
    "dialog",
    { class: "dialog", attrs: { "aria-labelledby": "keymap-title" } },
    h("h2", { id: "keymap-title" }, "Keyboard"),
    h("p", { class: "hint keymap-why" }, KEY_MAP_WHY),
    h("table", { class: "keymap" }, h("tbody", {}, ...rows)),
    themeControl(),
    h("div", { class: "dialog-actions" }, close),
  );
  close.addEventListener("click", () => dlg.close());
  return dlg;
}

/**
 * Shows `dlg` as a modal with focus on `focus`; when it closes (a button, or
 * Escape) it is removed and the promise resolves to `result()`.
 */
export function openModal<T>(dlg: HTMLDialogElement, focus: HTMLElement, result: () => T): Promise<T> {
  return new Promise((resolve) => {
    dlg.addEventListener("close", () => {
      dlg.remove();
      resolve(result());
    });
    document.body.appendChild(dlg);
    dlg.showModal();
    focus.focus();
  });
}

/**
 * A modal confirmation; resolves true on OK. `message` is text (shown in a
 * paragraph) or a node built by the caller; `dialogClass` names the dialog.
 */
export function confirmDialog(title: string, message: string | Node, ok: string, dialogClass = ""): Promise<boolean> {
  const okBtn = h("button", { class: "btn btn-primary", attrs: { type: "button" } }, ok);
  const cancel = h("button", { class: "btn", attrs: { type: "button" } }, "Cancel");
  const titleId = nextId("confirm");
  const dlg = h(
    "dialog",
    { class: `dialog ${dialogClass}`.trim(), attrs: { "aria-labelledby": titleId } },
    h("h2", { id: titleId }, title),
    typeof message === "string" ? h("p", {}, message) : message,
    h("div", { class: "dialog-actions" }, cancel, okBtn),
  );
  let result = false;
  okBtn.addEventListener("click", () => {
    result = true;
    dlg.close();
  });
  cancel.addEventListener("click", () => dlg.close());
  return openModal(dlg, cancel, () => result);
}

/** A form's refusal before it is sent: the message and the control to fix. */
export interface FormProblem {
  message: string;
  focus?: HTMLElement;
}

/**
 * The one shape of a form in a modal: a title, the fields, an inline error,
 * Cancel and a submit button. On submit, `check` may refuse with a message
 * (nothing is sent); otherwise the submit button is disabled while `submit`
 * runs, and its result closes the dialog, or its error is shown inline
 * (after `errorPrefix`) and the form can be sent again. Resolves to the
 * result, or null when cancelled.
 */
export function formDialog<T>(opts: {
  title: string;
  ok: string;
  fields: (Node | null)[];
  focus: HTMLElement;
  check?: () => FormProblem | null;
  submit: () => Promise<T>;
  errorPrefix?: string;
  /** Lets the caller tie a control to the error (aria-describedby). */
  withError?: (error: HTMLElement) => void;
}): Promise<T | null> {
  const titleId = nextId("form-title");
  const error = h("p", { class: "error", attrs: { role: "alert" } });
  error.id = nextId("form-error");
  opts.withError?.(error);
  const ok = h("button", { class: "btn btn-primary", attrs: { type: "submit" } }, opts.ok);
  const cancel = h("button", { class: "btn", attrs: { type: "button" } }, "Cancel");
  const form = h(
    "form",
    // novalidate: an empty field gets our inline message, not a silent native refusal.
    { attrs: { method: "dialog", novalidate: true } },
    h("h2", { id: titleId }, opts.title),
    ...opts.fields,
    error,
    h("div", { class: "dialog-actions" }, cancel, ok),
  );
  const dlg = h("dialog", { class: "dialog", attrs: { "aria-labelledby": titleId } }, form);
  let result: T | null = null;
  cancel.addEventListener("click", () => dlg.close());
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    error.textContent = "";
    const problem = opts.check?.() ?? null;
    if (problem) {
      error.textContent = problem.message;
      problem.focus?.focus();
      return;
    }
    ok.disabled = true;
    try {
      result = await opts.submit();
      dlg.close();
    } catch (err) {
      error.textContent = `${opts.errorPrefix ?? ""}${(err as Error).message}`;
      ok.disabled = false;
    }
  });
  return openModal(dlg, opts.focus, () => result);
}

/** The one check of who an interview is about and who runs it, for every form that asks. */
export function checkPeople(candidate: HTMLInputElement, interviewer: HTMLInputElement): FormProblem | null {
  if (!candidate.value.trim()) return { message: "Who is the candidate?", focus: candidate };
  if (!interviewer.value.trim()) return { message: "Who is interviewing?", focus: interviewer };
  return null;
}
