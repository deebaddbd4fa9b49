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

function opt(value: string, label: string): HTMLOptionElement {
  return h("option", { attrs: { value } }, label);
}

export function kitsScreen(ctx: Ctx, focusKit?: string): Screen {
  const list = h("div", { class: "bank-kits" });
  const status = h("p", { class: "hint", attrs: { role: "status", "aria-live": "polite" } });
  let catalog: BankCatalog = { competencies: [], questions: [], kits: [] };
  const prompt = (id: string) => catalog.questions.find((q) => q.question.id === id)?.question.prompt ?? id;

  const questionSelect = (exclude: string[]) => {
    const sel = h("select", {});
    for (const q of catalog.questions) {
      if (q.retired || exclude.includes(q.question.id)) continue;
      sel.appendChild(opt(q.question.id, `${q.question.prompt} (${q.question.id})`));
    }
    return sel;
  };

  /** Runs one change; on error says why in the kit's message line. */
  const change = async (msg: HTMLElement, what: () => Promise<unknown>, done: string, focus?: string) => {
    msg.textContent = "";
    try {
      await what();
      status.textContent = done;
      ctx.bank(true).catch(() => undefined);
      await load(focus);
    } catch (err) {
      msg.textContent = (err as Error).message;
    }
  };

  // New kit: a name and its first question.
  const newName = h("input", { attrs: { type: "text", autocomplete: "off" } });
  const newMsg = h("p", { class: "error", attrs: { role: "status", "aria-live": "polite" } });
  const newFirst = h("select", {});
  const newBtn = h("button", { class: "btn btn-primary", attrs: { type: "submit" } }, "Create kit");
  const newForm = h(
    "form",
    { class: "card bank-kit-new", attrs: { novalidate: true, "aria-labelledby": "kit-new-title" } },
    h("h2", { id: "kit-new-title" }, "New kit"),
    field("Kit name", newName),
    field("First question", newFirst),
    newMsg,
    newBtn,
  );
  newForm.addEventListener("submit", (ev) => {
    ev.preventDefault();
    const name = newName.value.trim();
    if (!name) {
      newMsg.textContent = "name: a kit needs a name";
      newName.focus();
      return;
    }
    let id = "";
    void change(
      newMsg,
      async () => {
        id = (await ctx.backend.saveKit(name, "", [newFirst.value], false)).id;
      },
      `Created kit “${name}”.`,
    ).then(() => {
      if (!newMsg.textContent) {
        newName.value = "";
        document.querySelector<HTMLElement>(`[data-kit="${CSS.escape(id)}"] h2`)?.focus();
      }
    });
  });

  const kitCard = (k: BankKit): HTMLElement => {
    const titleId = nextId("kit");
    const msg = h("p", { class: "error", attrs: { role: "status", "aria-live": "polite" } });
    const qs = k.kit.questions;
    const items = qs.map((qid, i) => {
      const li = h("li", { dataset: { question: qid } }, h("span", { class: "bank-kit-q" }, prompt(qid)));
      if (!k.builtin) {
        const up = h(
          "button",
          {
            class: "btn btn-small",
            attrs: { type: "button", "aria-label": `Move up: ${prompt(qid)}`, disabled: i === 0 },
          },
          "↑",
        );
        const down = h(
          "button",
          {
            class: "btn btn-small",
            attrs: { type: "button", "aria-label": `Move down: ${prompt(qid)}`, disabled: i === qs.length - 1 },
          },
          "↓",
        );
        const remove = h(
          "button",
          {
            class: "btn btn-small",
            attrs: { type: "button", "aria-label": `Remove from kit: ${prompt(qid)}`, disabled: qs.length === 1 },
          },
          "Remove",
        );
        up.addEventListener(
          "click",
          () =>
            void change(
              msg,
              () => ctx.backend.setKitQuestions(k.kit.id, move(qs, i, -1)),
              `Moved up in “${k.kit.name}”.`,
              k.kit.id,
            ),
        );
        down.addEventListener(
          "click",
          () =>
            void change(
              msg,
              () => ctx.backend.setKitQuestions(k.kit.id, move(qs, i, 1)),
              `Moved down in “${k.kit.name}”.`,
              k.kit.id,
            ),
        );
        remove.addEventListener(
          "click",
          () =>
            void change(
              msg,
              () =>
                ctx.backend.setKitQuestions(
                  k.kit.id,
                  qs.filter((x) => x !== qid),
                ),
              `Removed from “${k.kit.name}”.`,
              k.kit.id,
            ),
        );
        li.appendChild(h("span", { class: "bank-kit-q-actions" }, up, down, remove));
      }
      return li;
    });
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
      const dupName = h("input", { attrs: { type: "text", autocomplete: "off" } });
      dupName.value = `${k.kit.name} (copy)`;
      const dup = h("button", { class: "btn btn-small", attrs: { type: "button" } }, "Duplicate");
      dup.addEventListener(
        "click",
        () => void change(msg, () => ctx.backend.duplicateKit(k.kit.id, dupName.value), `Duplicated “${k.kit.name}”.`),
      );
      card.appendChild(h("p", { class: "hint" }, "Built-in kits cannot be changed; duplicate one to make your own."));
      card.appendChild(h("div", { class: "row bank-kit-row" }, field("Name of the copy", dupName), dup));
      return card;
    }
    const rename = h("input", { attrs: { type: "text", autocomplete: "off" } });
    rename.value = k.kit.name;
    const renameBtn = h("button", { class: "btn btn-small", attrs: { type: "button" } }, "Rename");
    renameBtn.addEventListener(
      "click",
      () =>
        void change(
          msg,
          () => ctx.backend.renameKit(k.kit.id, rename.value),
          `Renamed to “${rename.value.trim()}”.`,
          k.kit.id,
        ),
    );
    const addSel = questionSelect(qs);
    const addBtn = h("button", { class: "btn btn-small", attrs: { type: "button" } }, "Add question");
    addBtn.addEventListener(
      "click",
      () =>
        void change(
          msg,
          () => ctx.backend.setKitQuestions(k.kit.id, [...qs, addSel.value]),
          `Added to “${k.kit.name}”.`,
          k.kit.id,
        ),
    );
    const dupName = h("input", { attrs: { type: "text", autocomplete: "off" } });
    dupName.value = `${k.kit.name} (copy)`;
    const dup = h("button", { class: "btn btn-small", attrs: { type: "button" } }, "Duplicate");
    dup.addEventListener(
      "click",
      () => void change(msg, () => ctx.backend.duplicateKit(k.kit.id, dupName.value), `Duplicated “${k.kit.name}”.`),
    );
    const del = h("button", { class: "btn btn-small btn-danger", attrs: { type: "button" } }, "Delete kit");
    del.addEventListener("click", async () => {
      const ok = await confirmDialog(
        "Delete the kit?",
        `Delete “${k.kit.name}”? Interviews started from it keep its name.`,
        "Delete",
      );
      if (ok) await change(msg, () => ctx.backend.deleteKit(k.kit.id), `Deleted “${k.kit.name}”.`);
      else del.focus();
    });
    card.appendChild(h("div", { class: "row bank-kit-row" }, field("Kit name", rename), renameBtn));
    card.appendChild(h("div", { class: "row bank-kit-row" }, field("Question to add", addSel), addBtn));
    card.appendChild(h("div", { class: "row bank-kit-row" }, field("Name of the copy", dupName), dup));
    card.appendChild(h("div", { class: "bank-q-actions" }, del));
    return card;
  };

  const load = async (focus?: string) => {
    try {
      catalog = await ctx.backend.bankCatalog();
    } catch (err) {
      clear(list);
      list.appendChild(h("p", { class: "error", attrs: { role: "alert" } }, (err as Error).message));
      return;
    }
    clear(newFirst);
    for (const o of Array.from(questionSelect([]).options)) newFirst.appendChild(o);
    clear(list);
    // Own kits first: they are the ones to edit.
    const kits = [...catalog.kits.filter((k) => !k.builtin), ...catalog.kits.filter((k) => k.builtin)];
    for (const k of kits) list.appendChild(kitCard(k));
    if (focus) document.querySelector<HTMLElement>(`[data-kit="${CSS.escape(focus)}"] h2`)?.focus();
  };
  void load(focusKit);
  const el = h(
    "div",
    { class: "screen screen-bank-kits" },
    topBar("Kits", backButton(ctx, "Back to the bank", { name: "bank" }), []),
    h("main", { class: "content bank" }, status, newForm, list),
  );
  return { el, title: "Kits · Panelist", shown: () => newName.focus() };
}
