// Tiny DOM helpers. User text only ever goes in through text nodes
// (createTextNode / textContent); nothing here parses HTML.

type Child = Node | string | number | null | undefined | false;
type Handler = (ev: Event) => void;

export interface Props {
  class?: string;
  id?: string;
  text?: string;
  attrs?: Record<string, string | number | boolean | null | undefined>;
  on?: Record<string, Handler>;
  dataset?: Record<string, string>;
}

function applyAttrs(el: Element, attrs: Props["attrs"]): void {
  if (!attrs) return;
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    el.setAttribute(k, v === true ? "" : String(v));
  }
}

export function append(parent: Node, children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    parent.appendChild(typeof c === "string" || typeof c === "number" ? document.createTextNode(String(c)) : c);
  }
}

/** `h("button", {class: "x", on: {click}}, "Label")` */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Props = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (props.class) el.className = props.class;
  if (props.id) el.id = props.id;
  applyAttrs(el, props.attrs);
  if (props.dataset) for (const [k, v] of Object.entries(props.dataset)) el.dataset[k] = v;
  if (props.on) for (const [k, fn] of Object.entries(props.on)) el.addEventListener(k, fn);
  if (props.text !== undefined) el.textContent = props.text;
  append(el, children);
  return el;
}

const SVG_NS = "http://www.w3.org/2000/svg";

export function svg<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | number> = {},
  ...children: Child[]
): SVGElementTagNameMap[K] {
  const el = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  append(el, children);
  return el;
}

export function clear(el: Element): void {
  while (el.firstChild) el.removeChild(el.firstChild);
}

let uid = 0;
/** A fresh id for label/for and aria-describedby pairs. */
export function nextId(prefix = "id"): string {
  uid += 1;
  return `${prefix}-${uid}`;
}

/** A labelled form field: returns the wrapper and the control. */
export function field<T extends HTMLElement>(label: string, control: T, hint?: string): HTMLElement {
  const id = control.id || nextId("f");
  control.id = id;
  const wrap = h("div", { class: "field" }, h("label", { attrs: { for: id } }, label), control);
  if (hint) {
    const hintId = nextId("hint");
    control.setAttribute("aria-describedby", hintId);
    wrap.appendChild(h("p", { class: "hint", id: hintId }, hint));
  }
  return wrap;
}

export function toast(message: string, kind: "info" | "error" = "info", ms = 5000): void {
  const host = document.getElementById("toasts");
  if (!host) return;
  const t = h("div", { class: `toast toast-${kind}`, attrs: { role: kind === "error" ? "alert" : null } }, message);
  host.appendChild(t);
  window.setTimeout(() => t.remove(), ms);
}
