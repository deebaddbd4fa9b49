// The colour theme: follow the system, or always light, or always dark.
// Remembered on this machine (localStorage, in the app's own data folder) and
// applied as <html data-theme="light|dark">, the one switch styles.css reads;
// "system" sets the system's current preference and follows its changes.
import { h, nextId } from "./dom";

export type ThemePref = "system" | "light" | "dark";
const KEY = "panelist.theme";
const CHOICES: { value: ThemePref; label: string }[] = [
  { value: "system", label: "System" },
  { value: "light", label: "Light" },
  { value: "dark", label: "Dark" },
];

export function themePref(): ThemePref {
  let v: string | null = null;
  try {
    v = globalThis.localStorage?.getItem(KEY) ?? null;
  } catch {
    v = null;
  }
  return v === "light" || v === "dark" ? v : "system";
}

function systemDark(): MediaQueryList | null {
  return typeof globalThis.matchMedia === "function" ? globalThis.matchMedia("(prefers-color-scheme: dark)") : null;
}

let following = false;

export function applyTheme(pref: ThemePref = themePref()): void {
  const query = systemDark();
  const resolved = pref === "system" ? (query?.matches ? "dark" : "light") : pref;
  document.documentElement.dataset.theme = resolved;
  if (query && !following) {
    following = true;
    query.addEventListener("change", () => {
      if (themePref() === "system") applyTheme("system");
    });
  }
}

export function setThemePref(pref: ThemePref): void {
  try {
    globalThis.localStorage?.setItem(KEY, pref);
  } catch {
    // Not remembered, still applied.
  }
  applyTheme(pref);
}

/** A labelled "Theme" select that applies and remembers the choice. */
export function themeControl(): HTMLElement {
  const id = nextId("theme");
  const select = h("select", { id, class: "theme-select" });
  for (const c of CHOICES) {
    const o = h("option", { attrs: { value: c.value } }, c.label);
    select.appendChild(o);
  }
  select.value = themePref();
  select.addEventListener("change", () => setThemePref(select.value as ThemePref));
  return h("div", { class: "theme-control" }, h("label", { attrs: { for: id } }, "Theme"), select);
}
