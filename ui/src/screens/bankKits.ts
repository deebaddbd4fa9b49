// The kits editor: create, rename, reorder, add to, remove from and delete
// own kits; built-in kits are read-only and can be duplicated. Each change
// is one core call (one transaction); the core refuses changes to built-in
// kits and a second kit with the same name.
import "../styles/bank.css";
import type { Ctx, Screen } from "../app";
import type { BankKit } from "../bindings/BankKit";
import { clear, field, h, nextId } from "../dom";
import { move } from "../kit";
import type { BankCatalog } from "../types";
import { confirmDialog, topBar } from "../widgets";
import { backButton } from "./bank";
import { QuestionPicker } from "./questionPicker";

type Change = (msg: HTMLElement, what: () => Promise<unknown>, done: string, focus?: string) => Promise<void>;

/** A kit's question list; own kits get move up / down / remove on each question. */
function kitQuestions(
  k: BankKit,
  prompt: (id: string) => string,
  msg: HTMLElement,
  change: Change,
  setQuestions: (ids: string[]) => Promise<unknown>,
): HTMLElement[] {
  const qs = k.kit.questions;
  const button = (label: string, aria: string, disabled: boolean, ids: () => string[], done: string) => {
    const b = h("button", { class: "btn btn-small", attrs: { type: "button", "aria-label": aria, disabled } }, label);
    b.addEventListener("click", () => void change(msg, () => setQuestions(ids()), done, k.kit.id));
    return b;
  };
  return qs.map((qid, i) => {
    const li = h("li", { dataset: { question: qid } }, h("span", { class: "bank-kit-q" }, prompt(qid)));
    if (k.builtin) return li;
    const p = prompt(qid);
    const name = k.kit.name;
    const up = button("↑", `Move up: ${p}`, i === 0, () => move(qs, i, -1), `Moved up in “${name}”.`);
    const down = button("↓", `Move down: ${p}`, i === qs.length - 1, () => move(qs, i, 1), `Moved down in “${name}”.`);
    const remove = button(
      "Remove",
      `Remove from kit: ${p}`,
      qs.length === 1,
      () => qs.filter((x) => x !== qid),
      `Removed from “${name}”.`,
    );
    li.appendChild(h("span", { class: "bank-kit-q-actions" }, up, down, remove));
    return li;
  });
}

class KitsEditor {
  readonly list = h("div", { class: "bank-kits" });
  readonly status = h("p", { class: "hint", attrs: { role: "status", "aria-live": "polite" } });
  readonly newName = h("input", { attrs: { type: "text", autocomplete: "off" } });
  newFirst: QuestionPicker = new QuestionPicker("First question", []);
  readonly newFirstSlot = h("div", { class: "picker-slot" });
  readonly newForm: HTMLFormElement;
  catalog: BankCatalog = { competencies: [], questions: [], kits: [] };

  constructor(readonly ctx: Ctx) {
    this.newForm = this.buildNewForm();
  }

  prompt(id: string): string {
    return this.catalog.questions.find((q) => q.question.id === id)?.question.prompt ?? id;
  }

  /** A searchable picker over the bank's questions in use, leaving out `exclude`. */
  picker(legend: string, exclude: string[]): QuestionPicker {
    const names = new Map(this.catalog.competencies.map((c) => [c.competency.id, c.competency.name]));
    const qs = this.catalog.questions
      .filter((q) => !q.retired && !exclude.includes(q.question.id))
      .map((q) => ({
        id: q.question.id,
        prompt: q.question.prompt,
        competency: q.question.competency,
        minutes: q.question.minutes,
      }));
    return new QuestionPicker(legend, qs, (id) => names.get(id) ?? id);
  }

  /** Runs one change; on error says why in the kit's message line. */
  readonly change: Change = async (msg, what, done, focus) => {
    msg.textContent = "";
    try {
      await what();
      this.status.textContent = done;
      this.ctx.bank(true).catch(() => undefined);
      await this.load(focus);
    } catch (err) {
      msg.textContent = (err as Error).message;
    }
  };

  /** New kit: a name and its first question. */
  private buildNewForm(): HTMLFormElement {
    const newMsg = h("p", { class: "error", attrs: { role: "status", "aria-live": "polite" } });
    const newBtn = h("button", { class: "btn btn-primary", attrs: { type: "submit" } }, "Create kit");
    const form = h(
      "form",
      { class: "card bank-kit-new", attrs: { novalidate: true, "aria-labelledby": "kit-new-title" } },
      h("h2", { id: "kit-new-title" }, "New kit"),
      field("Kit name", this.newName),
      this.newFirstSlot,
      newMsg,
      newBtn,
    );
    form.addEventListener("submit", (ev) => {
      ev.preventDefault();
      const name = this.newName.value.trim();
      if (!name) {
        newMsg.textContent = "name: a kit needs a name";
        this.newName.focus();
        return;
      }
      const first = this.newFirst.value;
      if (!first) {
        newMsg.textContent = "First question: pick one (search by words of its prompt).";
        this.newFirst.search.focus();
        return;
      }
      let id = "";
      const create = async () => {
        id = (await this.ctx.backend.saveKit(name, "", [first], false)).id;
      };
      void this.change(newMsg, create, `Created kit “${name}”.`).then(() => {
        if (!newMsg.textContent) {
          this.newName.value = "";
          document.querySelector<HTMLElement>(`[data-kit="${CSS.escape(id)}"] h2`)?.focus();
        }
      });
    });
    return form;
  }

  /** "Name of the copy" and Duplicate, for every kit. */
  private duplicateRow(k: BankKit, msg: HTMLElement): HTMLElement {
    const dupName = h("input", { attrs: { type: "text", autocomplete: "off" } });
    dupName.value = `${k.kit.name} (copy)`;
    const dup = h("button", { class: "btn btn-small", attrs: { type: "button" } }, "Duplicate");
    dup.addEventListener(
      "click",
      () =>
        void this.change(
          msg,
          () => this.ctx.backend.duplicateKit(k.kit.id, dupName.value),
          `Duplicated “${k.kit.name}”.`,
        ),
    );
    return h("div", { class: "row bank-kit-row" }, field("Name of the copy", dupName), dup);
  }

  /** Rename, add a question and delete: an own kit's controls. */
  private ownControls(k: BankKit, msg: HTMLElement): HTMLElement[] {
    const { backend } = this.ctx;
    const id = k.kit.id;
    const rename = h("input", { attrs: { type: "text", autocomplete: "off" } });
    rename.value = k.kit.name;
    const renameBtn = h("button", { class: "btn btn-small", attrs: { type: "button" } }, "Rename");
    renameBtn.addEventListener(
      "click",
      () =>
        void this.change(msg, () => backend.renameKit(id, rename.value), `Renamed to “${rename.value.trim()}”.`, id),
    );
    const add = this.picker("Question to add", k.kit.questions);
    const addBtn = h("button", { class: "btn btn-small", attrs: { type: "button" } }, "Add question");
    addBtn.addEventListener("click", () => {
      const picked = add.value;
      if (!picked) {
        msg.textContent = "Question to add: pick one (search by words of its prompt).";
        return add.search.focus();
      }
      void this.change(
        msg,
        () => backend.setKitQuestions(id, [...k.kit.questions, picked]),
        `Added to “${k.kit.name}”.`,
        id,
      );
    });
    const del = h("button", { class: "btn btn-small btn-danger", attrs: { type: "button" } }, "Delete kit");
    del.addEventListener("click", async () => {
      const ok = await confirmDialog(
        "Delete the kit?",
        `Delete “${k.kit.name}”? Interviews started from it keep its name.`,
        "Delete",
      );
      if (ok) await this.change(msg, () => backend.deleteKit(id), `Deleted “${k.kit.name}”.`);
      else del.focus();
    });
    return [
      h("div", { class: "row bank-kit-row" }, field("Kit name", rename), renameBtn),
      h("div", { class: "bank-kit-add" }, add.el, addBtn),
      this.duplicateRow(k, msg),
      h("div", { class: "bank-q-actions" }, del),
    ];
  }

  kitCard(k: BankKit): HTMLElement {
    const titleId = nextId("kit");
    const msg = h("p", { class: "error", attrs: { role: "status", "aria-live": "polite" } });
    const qs = k.kit.questions;
    const items = kitQuestions(
      k,
      (id) => this.prompt(id),
      msg,
      this.change,
      (ids) => this.ctx.backend.setKitQuestions(k.kit.id, ids),
    );
    const card = h(
      "section",
      { class: "card bank-kit", attrs: { "aria-labelledby": titleId }, dataset: { kit: k.kit.id } },
      h(
        "h2",
        { id: titleId, attrs: { tabindex: "-1" } },
        k.kit.name,
        k.builtin ? h("span", { class: "badge bank-builtin" }, "Built in") : null,
      ),
      h("p", { class: "hint" }, `${qs.length} question${qs.length === 1 ? "" : "s"} · ${k.kit.minutes} min`),
      h("ol", { class: "bank-kit-questions" }, ...items),
      msg,
    );
    if (k.builtin) {
      card.appendChild(h("p", { class: "hint" }, "Built-in kits cannot be changed; duplicate one to make your own."));
      card.appendChild(this.duplicateRow(k, msg));
    } else {
      card.append(...this.ownControls(k, msg));
    }
    return card;
  }

  async load(focus?: string) {
    const { list } = this;
    try {
      this.catalog = await this.ctx.backend.bankCatalog();
    } catch (err) {
      clear(list);
      list.appendChild(h("p", { class: "error", attrs: { role: "alert" } }, (err as Error).message));
      return;
    }
    this.newFirst = this.picker("First question", []);
    this.newFirstSlot.replaceChildren(this.newFirst.el);
    clear(list);
    // Own kits first: they are the ones to edit.
    const kits = [...this.catalog.kits.filter((k) => !k.builtin), ...this.catalog.kits.filter((k) => k.builtin)];
    for (const k of kits) list.appendChild(this.kitCard(k));
    if (focus) document.querySelector<HTMLElement>(`[data-kit="${CSS.escape(focus)}"] h2`)?.focus();
  }
}

export function kitsScreen(ctx: Ctx, focusKit?: string): Screen {
  const editor = new KitsEditor(ctx);
  void editor.load(focusKit);
  const el = h(
    "div",
    { class: "screen screen-bank-kits" },
    topBar("Kits", backButton(ctx, "Back to the bank", { name: "bank" }), []),
    h("main", { class: "content bank" }, editor.status, editor.newForm, editor.list),
  );
  return { el, title: "Kits · Panelist", shown: () => editor.newName.focus() };
}
