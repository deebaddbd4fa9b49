// The current question's controls: the rubric's level buttons and the
// look-for / follow-up checklists (one builder for both).
import type { Entry } from "../../bindings/Entry";
import { h } from "../../dom";

/** The level buttons and their group, with the full/short anchors toggle. */
export function rubricSection(e: Entry, onScore: (level: number) => void) {
  const levelButtons = e.question.rubric.levels.map((l) => {
    const b = h(
      "button",
      {
        class: "level",
        attrs: { type: "button", "aria-pressed": "false", "aria-keyshortcuts": `Alt+${l.value} Control+${l.value}` },
      },
      h("span", { class: "level-head" }, h("kbd", {}, String(l.value)), h("span", { class: "level-label" }, l.label)),
      h("span", { class: "level-anchor" }, l.anchor),
    );
    b.dataset.level = String(l.value);
    b.addEventListener("click", () => onScore(l.value));
    return b;
  });
  const levels = h(
    "div",
    { class: "levels", attrs: { role: "group", "aria-labelledby": "score-title" } },
    ...levelButtons,
  );
  const expand = h(
    "button",
    { class: "btn btn-ghost btn-small anchors-toggle", attrs: { type: "button", "aria-expanded": "false" } },
    "Full anchors",
  );
  expand.addEventListener("click", () => {
    const open = !levels.classList.contains("anchors-full");
    levels.classList.toggle("anchors-full", open);
    expand.setAttribute("aria-expanded", open ? "true" : "false");
    expand.textContent = open ? "Short anchors" : "Full anchors";
  });
  const section = h(
    "section",
    { class: "rubric", attrs: { "aria-labelledby": "score-title" } },
    h(
      "div",
      { class: "rubric-head" },
      h("h3", { id: "score-title" }, "Score ", h("span", { class: "hint" }, "Alt+1–4")),
      expand,
    ),
    levels,
  );
  return { section, levelButtons };
}

/** Marks the pressed level (the entry's score). */
export function showScore(levelButtons: HTMLButtonElement[], score: number | null): void {
  for (const b of levelButtons) {
    b.setAttribute("aria-pressed", Number(b.dataset.level) === score ? "true" : "false");
  }
}

/**
 * A checklist of `items` (look-fors or follow-ups): a checkbox each, ticked
 * when its index is in `ticked`, labelled with its key chord when it has one.
 */
export function checklist(
  items: string[],
  ticked: number[],
  keys: readonly string[],
  locked: boolean,
  onChange: (i: number, on: boolean) => void,
) {
  const boxes: HTMLInputElement[] = [];
  const list = h("ul", { class: "toggles" });
  items.forEach((text, i) => {
    const box = h("input", { attrs: { type: "checkbox", disabled: locked } });
    box.checked = ticked.includes(i);
    const key = keys[i];
    if (key) box.setAttribute("aria-keyshortcuts", `Alt+${key.toUpperCase()}`);
    box.addEventListener("change", () => onChange(i, box.checked));
    boxes.push(box);
    list.appendChild(
      h(
        "li",
        {},
        h(
          "label",
          { class: "toggle" },
          box,
          key ? h("kbd", {}, `Alt+${key.toUpperCase()}`) : null,
          h("span", { attrs: { title: text } }, text),
        ),
      ),
    );
  });
  return { list, boxes };
}

/** A titled section around a checklist, or null when it has no items. */
export function checklistSection(id: string, title: string, list: HTMLElement, count: number): HTMLElement | null {
  if (!count) return null;
  return h("section", { attrs: { "aria-labelledby": id } }, h("h3", { id }, title), list);
}
