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
