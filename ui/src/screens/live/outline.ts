// The question outline (wide layout) and the competency evidence strip.
import type { Session } from "../../bindings/Session";
import { clear, h } from "../../dom";
import { competencyEvidence } from "./model";

/** Fills the outline: one button per question, the current one marked. */
export function renderOutline(list: HTMLElement, s: Session, index: number, goTo: (i: number) => void): void {
  clear(list);
  s.entries.forEach((e, i) => {
    const mark = e.score !== null ? `${e.score}` : e.skipped ? "–" : "";
    const b = h(
      "button",
      { class: `outline-item${i === index ? " current" : ""}`, attrs: { type: "button" } },
      h("span", { class: "outline-mark", attrs: { "aria-hidden": "true" } }, mark || "·"),
      h("span", { class: "outline-text" }, `${i + 1}. ${e.question.prompt}`),
    );
    if (i === index) b.setAttribute("aria-current", "step");
    const state = e.score !== null ? `, scored ${e.score}` : e.skipped ? ", skipped" : "";
    b.setAttribute("aria-label", `${i + 1}. ${e.question.prompt}${state}`);
    b.addEventListener("click", () => goTo(i));
    list.appendChild(h("li", {}, b));
  });
}

/** Fills the strip: each competency, whether it has evidence, the current one marked. */
export function renderStrip(strip: HTMLElement, s: Session, current: string | undefined): void {
  clear(strip);
  for (const c of competencyEvidence(s)) {
    const li = h(
      "li",
      { class: `chip${c.evidence ? " chip-on" : ""}${c.id === current ? " chip-current" : ""}` },
      h("span", { class: "chip-dot", attrs: { "aria-hidden": "true" } }, c.evidence ? "●" : "○"),
      c.name,
    );
    li.setAttribute("aria-label", `${c.name}: ${c.evidence ? "has evidence" : "no evidence yet"}`);
    strip.appendChild(li);
  }
}
