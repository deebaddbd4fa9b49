// The New interview screen's question picker: the questions picked so far
// (reorder, remove, their time budget from the core) and the bank search
// they are added from.
import type { Ctx } from "../../app";
import type { Question } from "../../bindings/Question";
import { clear, field, h } from "../../dom";
import {
  EMPTY_FILTER,
  addPicked,
  filterQuestions,
  move,
  pickedSummary,
  removePicked,
  type QuestionFilter,
} from "../../kit";
import type { BankView } from "../../types";

const SENIORITIES = ["junior", "mid", "senior"] as const;
const KINDS = ["concept", "scenario", "experience", "behavioural"] as const;

function cap(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function iconButton(symbol: string, label: string, key: string, disabled = false): HTMLButtonElement {
  const b = h("button", { class: "icon-btn", attrs: { type: "button", "aria-label": label, disabled } }, symbol);
  b.dataset.key = key;
  return b;
}

function questionLine(prompt: string, meta: string): HTMLElement {
  return h("div", { class: "q-line" }, h("span", { class: "q-prompt" }, prompt), h("span", { class: "q-meta" }, meta));
}

export class QuestionPicker {
  picked: string[] = [];
  bank: BankView = { competencies: [], questions: [], kits: [] };
  private byId = new Map<string, Question>();
  private filter: QuestionFilter = { ...EMPTY_FILTER };
  private budgetSeq = 0;
  readonly pickedList = h("ol", { class: "picked", attrs: { "aria-label": "Questions in this interview" } });
  readonly total = h("p", { class: "total", attrs: { "aria-live": "polite" } });
  readonly search = h("input", { attrs: { type: "search", autocomplete: "off", placeholder: "Search the bank" } });
  readonly compSel = h("select", {}, h("option", { attrs: { value: "" } }, "Any competency"));
  readonly senSel = h(
    "select",
    {},
    h("option", { attrs: { value: "" } }, "Any seniority"),
    ...SENIORITIES.map((s) => h("option", { attrs: { value: s } }, cap(s))),
  );
  readonly kindSel = h(
    "select",
    {},
    h("option", { attrs: { value: "" } }, "Any kind"),
    ...KINDS.map((k) => h("option", { attrs: { value: k } }, cap(k))),
  );
  readonly results = h("ul", { class: "bank-results", attrs: { "aria-label": "Questions in the bank" } });
  readonly resultCount = h("p", { class: "hint", attrs: { "aria-live": "polite" } });

  constructor(private readonly ctx: Ctx) {
    const onFilter = () => {
      this.filter = {
        text: this.search.value,
        competency: this.compSel.value,
        seniority: this.senSel.value as QuestionFilter["seniority"],
        kind: this.kindSel.value as QuestionFilter["kind"],
      };
      this.renderResults();
    };
    this.search.addEventListener("input", onFilter);
    for (const s of [this.compSel, this.senSel, this.kindSel]) s.addEventListener("change", onFilter);
  }

  /** The bank arrived (or changed): index it and offer its competencies. */
  setBank(bank: BankView, withCompetencies = false) {
    this.bank = bank;
    this.byId = new Map(bank.questions.map((q) => [q.id, q]));
    if (withCompetencies) {
      for (const c of bank.competencies) this.compSel.appendChild(h("option", { attrs: { value: c.id } }, c.name));
    }
  }

  has(id: string): boolean {
    return this.byId.has(id);
  }

  /** The "Add from the bank" card's search fields. */
  searchFields(): HTMLElement[] {
    return [
      field("Search", this.search),
      h(
        "div",
        { class: "row row-3" },
        field("Competency", this.compSel),
        field("Seniority", this.senSel),
        field("Kind", this.kindSel),
      ),
      this.resultCount,
      this.results,
    ];
  }

  private compName(id: string): string {
    return this.bank.competencies.find((c) => c.id === id)?.name ?? id;
  }

  /** The budget comes from the core; the latest request wins. */
  private async updateTotal() {
    const mine = ++this.budgetSeq;
    const ids = this.picked.slice();
    if (ids.length === 0) {
      this.total.removeAttribute("aria-busy");
      this.total.textContent = pickedSummary(0, 0);
      return;
    }
    // Busy until the core's answer for this list arrives.
    this.total.setAttribute("aria-busy", "true");
    let minutes: number | null = null;
    try {
      minutes = await this.ctx.backend.budgetMinutes(ids);
    } catch {
      minutes = null;
    }
    if (mine !== this.budgetSeq) return;
    this.total.textContent = pickedSummary(ids.length, minutes);
    this.total.removeAttribute("aria-busy");
  }

  private pickedItem(id: string, i: number): HTMLElement {
    const q = this.byId.get(id);
    const label = q?.prompt ?? id;
    const up = iconButton("↑", `Move up: ${label}`, `up-${id}`, i === 0);
    const down = iconButton("↓", `Move down: ${label}`, `down-${id}`, i === this.picked.length - 1);
    const remove = iconButton("✕", `Remove: ${label}`, `rm-${id}`);
    up.addEventListener("click", () => {
      this.picked = move(this.picked, i, -1);
      this.renderPicked(`[data-key="up-${id}"]`);
    });
    down.addEventListener("click", () => {
      this.picked = move(this.picked, i, 1);
      this.renderPicked(`[data-key="down-${id}"]`);
    });
    remove.addEventListener("click", () => {
      this.picked = removePicked(this.picked, id);
      this.render();
    });
    const meta = q ? `${this.compName(q.competency)} · ${q.seniority} · ${q.minutes} min` : "";
    return h("li", {}, questionLine(label, meta), h("div", { class: "q-actions" }, up, down, remove));
  }

  renderPicked(focusSel?: string) {
    const list = this.pickedList;
    clear(list);
    void this.updateTotal();
    if (this.picked.length === 0) {
      list.appendChild(h("li", { class: "empty" }, "No questions yet: choose a kit or add from the bank below."));
    }
    this.picked.forEach((id, i) => list.appendChild(this.pickedItem(id, i)));
    if (focusSel) {
      const target = list.querySelector<HTMLButtonElement>(focusSel);
      if (target && !target.disabled) target.focus();
      else list.querySelector<HTMLButtonElement>("button:not([disabled])")?.focus();
    }
  }

  renderResults() {
    const found = filterQuestions(this.bank.questions, this.filter);
    clear(this.results);
    this.resultCount.textContent = `${found.length} question${found.length === 1 ? "" : "s"} in the bank match`;
    for (const q of found.slice(0, 100)) {
      const already = this.picked.includes(q.id);
      const add = h(
        "button",
        {
          class: "btn btn-small",
          attrs: { type: "button", disabled: already, "aria-label": `${already ? "Added" : "Add"}: ${q.prompt}` },
        },
        already ? "Added" : "Add",
      );
      add.addEventListener("click", () => {
        this.picked = addPicked(this.picked, q.id);
        this.render();
        this.results.querySelector<HTMLButtonElement>("button:not([disabled])")?.focus();
      });
      const meta = `${this.compName(q.competency)} · ${q.seniority} · ${q.kind} · ${q.minutes} min`;
      this.results.appendChild(h("li", {}, questionLine(q.prompt, meta), add));
    }
  }

  render() {
    this.renderPicked();
    this.renderResults();
  }
}
