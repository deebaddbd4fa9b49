// A searchable question picker for the kit editor: a search box over the
// bank's prompts, ids and competencies, and the matching questions as radio
// buttons with their whole prompt (wrapped, never cut). Replaces selects of
// dozens of truncated prompts.
import { h, nextId } from "../dom";
import { hasEveryWord } from "../kit";

export interface PickerQuestion {
  id: string;
  prompt: string;
  competency: string;
  minutes: number;
}

/** At most this many matches are listed; the rest are counted. */
export const SHOWN = 30;

/** Whether every word of `query` is in the question's prompt, id or competency. */
export function matches(q: PickerQuestion, query: string, competencyName: (id: string) => string): boolean {
  return hasEveryWord(`${q.prompt} ${q.id} ${q.competency} ${competencyName(q.competency)}`, query);
}

export class QuestionPicker {
  readonly el: HTMLElement;
  readonly search: HTMLInputElement;
  private readonly list = h("div", { class: "picker-list" });
  private readonly count = h("p", { class: "hint picker-count", attrs: { role: "status", "aria-live": "polite" } });
  private readonly name = nextId("pick");
  private selected: string | null = null;

  constructor(
    legend: string,
    private readonly questions: PickerQuestion[],
    private readonly competencyName: (id: string) => string = (id) => id,
  ) {
    const searchId = nextId("search");
    this.search = h("input", {
      id: searchId,
      attrs: {
        type: "search",
        autocomplete: "off",
        spellcheck: "false",
        placeholder: "Words of the prompt, an id or a competency",
      },
    });
    this.search.addEventListener("input", () => this.render());
    this.el = h(
      "fieldset",
      { class: "picker" },
      h("legend", {}, legend),
      h(
        "div",
        { class: "field" },
        h("label", { attrs: { for: searchId } }, `Search: ${legend.toLowerCase()}`),
        this.search,
      ),
      this.count,
      this.list,
    );
    this.render();
  }

  /** The picked question's id, or null. */
  get value(): string | null {
    return this.selected;
  }

  /** Clears the search and the choice. */
  reset(): void {
    this.search.value = "";
    this.selected = null;
    this.render();
  }

  private render(): void {
    const q = this.search.value;
    const found = this.questions.filter((x) => matches(x, q, this.competencyName));
    // The picked question stays in the list while the search changes.
    const picked = this.questions.find((x) => x.id === this.selected);
    const shown = found.slice(0, SHOWN);
    if (picked && !shown.includes(picked)) shown.unshift(picked);
    const n = found.length;
    this.count.textContent =
      n === 0
        ? "No question matches."
        : n > SHOWN
          ? `${n} questions match; the first ${SHOWN} are listed. Add words to narrow it down.`
          : n === 1
            ? "1 question matches."
            : `${n} questions match.`;
    this.list.replaceChildren(...shown.map((x) => this.option(x)));
  }

  private option(q: PickerQuestion): HTMLElement {
    const id = nextId("opt");
    const radio = h("input", { id, attrs: { type: "radio", name: this.name, value: q.id } });
    radio.checked = q.id === this.selected;
    radio.addEventListener("change", () => {
      if (radio.checked) this.selected = q.id;
    });
    return h(
      "div",
      { class: "picker-option" },
      radio,
      h(
        "label",
        { attrs: { for: id } },
        h("span", { class: "picker-prompt" }, q.prompt),
        h("span", { class: "picker-meta" }, `${this.competencyName(q.competency)} · ${q.minutes} min · ${q.id}`),
      ),
    );
  }
}
