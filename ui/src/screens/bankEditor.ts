// Authoring: the question editor (create, edit = a new revision, duplicate),
// the question's history (revisions and what changed), and competencies.
// Every check is the core's: its error names a field path, shown inline at
// that input (aria-invalid, described by the message, announced).
import "../styles/bank.css";
import type { Ctx, Screen } from "../app";
import type { BankCompetency } from "../bindings/BankCompetency";
import type { Question } from "../bindings/Question";
import { clear, field, h, nextId, toast } from "../dom";
import { topBar } from "../widgets";
import { backButton } from "./bank";
import { type QuestionForm, docOf, emptyForm, fieldLabel, formOf, inputFor, revisionWhen } from "./bankModel";

type Control = HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement | HTMLFieldSetElement;

/** Inline errors for a set of named controls. */
class FieldErrors {
  private readonly slots = new Map<string, { control: Control; msg: HTMLElement }>();
  constructor(private readonly summary: HTMLElement) {}

  /** A labelled field with its own error line. */
  field(key: string, label: string, control: Control, hint?: string): HTMLElement {
    const wrap = field(label, control, hint);
    const msg = h("p", { class: "field-error", id: nextId("err") });
    wrap.appendChild(msg);
    this.register(key, control, msg);
    return wrap;
  }

  register(key: string, control: Control, msg: HTMLElement): void {
    this.slots.set(key, { control, msg });
  }

  clear(): void {
    this.summary.textContent = "";
    for (const { control, msg } of this.slots.values()) {
      msg.textContent = "";
      control.removeAttribute("aria-invalid");
      const ids = (control.getAttribute("aria-describedby") ?? "").split(" ").filter((x) => x && x !== msg.id);
      if (ids.length) control.setAttribute("aria-describedby", ids.join(" "));
      else control.removeAttribute("aria-describedby");
    }
  }

  /** Marks one problem at its field; the field's label, or null when no field is named. */
  private mark(message: string): { label: string; control: Control } | null {
    const at = inputFor(message);
    const slot = at ? (this.slots.get(at.key) ?? this.slots.get(at.key.split(".")[0] ?? "")) : undefined;
    if (!at || !slot) return null;
    // A list's items share one field: their messages are joined on its line.
    slot.msg.textContent = slot.msg.textContent ? `${slot.msg.textContent} ${at.text}` : at.text;
    if (slot.control.getAttribute("aria-invalid") !== "true") {
      slot.control.setAttribute("aria-invalid", "true");
      const ids = (slot.control.getAttribute("aria-describedby") ?? "").split(" ").filter(Boolean);
      slot.control.setAttribute("aria-describedby", [...ids, slot.msg.id].join(" "));
    }
    // The field's own label: error paths count levels from 0, labels from 1.
    const label = slot.control.closest(".field")?.querySelector("label")?.textContent ?? fieldLabel(at.key);
    return { label, control: slot.control };
  }

  /** Shows the core's message at its field (or in the summary); focuses the field. */
  show(message: string): void {
    this.showAll([message]);
  }

  /**
   * Shows every problem at its field at once, says how many in the summary
   * and focuses the first field with one.
   */
  showAll(messages: string[]): void {
    this.clear();
    const marked = messages.map((m) => ({ m, at: this.mark(m) }));
    const first = marked.find((x) => x.at)?.at;
    if (messages.length === 1) {
      const one = marked[0]!;
      this.summary.textContent = one.at
        ? `Not saved. ${one.at.label}: ${inputFor(one.m)?.text ?? one.m}`
        : `Not saved. ${one.m}`;
    } else {
      const names = [...new Set(marked.map((x) => x.at?.label ?? x.m))];
      this.summary.textContent = `Not saved: ${messages.length} problems, at ${names.join(", ")}.`;
    }
    if (first) {
      first.control.focus();
      // The label and the message above the control in view, not under the bar.
      first.control.scrollIntoView?.({ block: "center" });
    }
  }
}

function opt(value: string, label: string): HTMLOptionElement {
  return h("option", { attrs: { value } }, label);
}

type LevelInputs = { value: HTMLInputElement; label: HTMLInputElement; anchor: HTMLTextAreaElement };

/** One rubric level's three fields, appended to the levels box. */
function levelFields(
  errors: FieldErrors,
  box: HTMLElement,
  l: { value: string; label: string; anchor: string },
  i: number,
): LevelInputs {
  const value = h("input", { attrs: { type: "number", inputmode: "numeric" } });
  value.value = l.value;
  const label = h("input", { attrs: { type: "text", autocomplete: "off" } });
  label.value = l.label;
  const anchor = h("textarea", { attrs: { rows: 2 } });
  anchor.value = l.anchor;
  box.appendChild(
    h(
      "div",
      { class: "bank-level" },
      errors.field(`levels.${i}.value`, `Level ${i + 1} value`, value),
      errors.field(`levels.${i}.label`, `Level ${i + 1} label`, label),
      errors.field(`levels.${i}.anchor`, `Level ${i + 1} anchor`, anchor),
    ),
  );
  return { value, label, anchor };
}

/**
 * A new question's id, made from its prompt (by the core, as the author
 * types) until the author types an id of their own. `filled` is called
 * after the form is filled: an id already there (a duplicate's) counts as
 * the author's.
 */
function idMadeFromPrompt(
  ctx: Ctx,
  idInput: HTMLInputElement,
  prompt: HTMLTextAreaElement,
  read: () => QuestionForm,
): { filled: () => void } {
  let touched = false;
  idInput.addEventListener("input", () => (touched = idInput.value.trim() !== ""));
  let latest = 0;
  prompt.addEventListener("input", () => {
    if (touched) return;
    const mine = ++latest;
    void ctx.backend
      .questionDraft(docOf(read()), true)
      .then((d) => {
        if (mine === latest && !touched) idInput.value = d.suggested_id ?? "";
      })
      .catch(() => undefined);
  });
  return { filled: () => (touched = idInput.value.trim() !== "") };
}

/** The form to start from: empty, the question `id`, or a copy of `duplicate`. */
async function loadForm(
  ctx: Ctx,
  id?: string,
  duplicate?: string,
): Promise<{ f: QuestionForm; competencies: BankCompetency[] }> {
  const catalog = await ctx.backend.bankCatalog();
  const firstComp = catalog.competencies.find((c) => !c.retired)?.competency.id ?? "";
  const from = id ?? duplicate;
  let f = emptyForm(firstComp);
  if (from) {
    const q = catalog.questions.find((x) => x.question.id === from);
    if (!q) throw new Error(`no question ${from}`);
    f = formOf(q.question);
    if (duplicate) f.id = `${q.question.id}-copy`;
  }
  return { f, competencies: catalog.competencies };
}

/** New question, edit (`id`), or duplicate (`duplicate`: the question to copy). */
export function questionEditorScreen(ctx: Ctx, id?: string, duplicate?: string): Screen {
  const create = !id;
  const summary = h("p", { class: "error bank-summary", attrs: { role: "status", "aria-live": "assertive" } });
  const errors = new FieldErrors(summary);

  const idInput = h("input", { attrs: { type: "text", autocomplete: "off", spellcheck: "false" } });
  const prompt = h("textarea", { attrs: { rows: 3 } });
  const comp = h("select", {});
  const sen = h("select", {}, opt("junior", "Junior"), opt("mid", "Mid"), opt("senior", "Senior"));
  const kind = h(
    "select",
    {},
    opt("concept", "Concept"),
    opt("scenario", "Scenario"),
    opt("experience", "Experience"),
    opt("behavioural", "Behavioural"),
  );
  const minutes = h("input", { attrs: { type: "number", min: 1, max: 180, inputmode: "numeric" } });
  const lookFors = h("textarea", { attrs: { rows: 4 } });
  const followUps = h("textarea", { attrs: { rows: 3 } });
  const sources = h("textarea", { attrs: { rows: 2 } });
  const levelsBox = h("fieldset", { class: "bank-levels" }, h("legend", {}, "Rubric (levels 1–4)"));
  const levelsMsg = h("p", { class: "field-error", id: nextId("err") });
  let levelInputs: LevelInputs[] = [];

  const saveBtn = h(
    "button",
    { class: "btn btn-primary", attrs: { type: "submit" } },
    create ? "Create question" : "Save new revision",
  );
  const form = h("form", { class: "bank-editor", attrs: { novalidate: true, "aria-labelledby": "bank-editor-title" } });

  const fill = (f: QuestionForm, competencies: BankCompetency[]) => {
    idInput.value = f.id;
    idFromPrompt?.filled();
    idInput.readOnly = !create;
    prompt.value = f.prompt;
    clear(comp);
    for (const c of competencies) {
      if (c.retired && c.competency.id !== f.competency) continue;
      comp.appendChild(opt(c.competency.id, `${c.competency.name}${c.retired ? " (retired)" : ""}`));
    }
    comp.value = f.competency;
    sen.value = f.seniority;
    kind.value = f.kind;
    minutes.value = f.minutes;
    lookFors.value = f.lookFors;
    followUps.value = f.followUps;
    sources.value = f.sources;
    while (levelsBox.children.length > 1) levelsBox.lastChild?.remove();
    levelInputs = f.levels.map((l, i) => levelFields(errors, levelsBox, l, i));
    levelsBox.appendChild(levelsMsg);
  };

  const read = (): QuestionForm => ({
    id: idInput.value,
    prompt: prompt.value,
    competency: comp.value,
    seniority: sen.value as QuestionForm["seniority"],
    kind: kind.value as QuestionForm["kind"],
    minutes: minutes.value,
    levels: levelInputs.map((l) => ({ value: l.value.value, label: l.label.value, anchor: l.anchor.value })),
    lookFors: lookFors.value,
    followUps: followUps.value,
    sources: sources.value,
  });

  const idFromPrompt = create ? idMadeFromPrompt(ctx, idInput, prompt, read) : null;
  /**
   * Checks every rule first (all problems shown at once), then saves. An
   * empty id of a new question is filled in from the prompt and checked again.
   */
  const attempt = async (): Promise<void> => {
    const draft = await ctx.backend.questionDraft(docOf(read()), create);
    if (create && !idInput.value.trim() && draft.suggested_id) {
      idInput.value = draft.suggested_id;
      return attempt();
    }
    if (draft.problems.length) return errors.showAll(draft.problems.map((p) => `${p.path}: ${p.message}`));
    const saved = await ctx.backend.saveQuestion(docOf(read()), create);
    ctx.bank(true).catch(() => undefined);
    toast(`Saved ${saved.question.id}, revision ${saved.revision}.`);
    await ctx.go({ name: "bank" });
  };

  let saving = false;
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    if (saving) return;
    saving = true;
    saveBtn.disabled = true;
    errors.clear();
    try {
      await attempt();
    } catch (err) {
      errors.show((err as Error).message);
    } finally {
      saving = false;
      saveBtn.disabled = false;
    }
  });

  const title = create ? (duplicate ? "Duplicate question" : "New question") : "Edit question";
  append(
    form,
    h("h2", { id: "bank-editor-title", class: "visually-hidden" }, title),
    summary,
    errors.field(
      "id",
      "Id",
      idInput,
      create
        ? "Made from the prompt; you can change it. Lowercase letters, digits and dashes; it cannot change later."
        : "Ids do not change.",
    ),
    errors.field("prompt", "Prompt", prompt),
    h(
      "div",
      { class: "row bank-editor-row" },
      errors.field("competency", "Competency", comp),
      errors.field("seniority", "Seniority", sen),
      errors.field("kind", "Kind", kind),
      errors.field("minutes", "Minutes", minutes),
    ),
    levelsBox,
    errors.field("lookFors", "Look-fors", lookFors, "One per line."),
    errors.field("followUps", "Follow-ups", followUps, "One per line."),
    errors.field("sources", "Sources", sources, "One per line (optional)."),
    h("div", { class: "bank-editor-actions" }, saveBtn),
  );
  // `levels` errors (too few levels) go to the fieldset.
  levelsBox.tabIndex = -1;
  errors.register("levels", levelsBox, levelsMsg);

  const el = h(
    "div",
    { class: "screen screen-bank-editor" },
    topBar(title, backButton(ctx, "Back to the bank", { name: "bank" }), []),
    h("main", { class: "content bank" }, form),
  );

  void loadForm(ctx, id, duplicate).then(
    ({ f, competencies }) => fill(f, competencies),
    (err) => (summary.textContent = `Cannot load the question: ${(err as Error).message}`),
  );
  return { el, title: `${title} · Panelist`, shown: () => (create ? idInput : prompt).focus() };
}

function append(parent: HTMLElement, ...children: HTMLElement[]): void {
  for (const c of children) parent.appendChild(c);
}

function questionBody(q: Question): HTMLElement {
  return h(
    "div",
    { class: "bank-rev-body" },
    h("p", {}, q.prompt),
    h(
      "dl",
      { class: "bank-rubric" },
      ...q.rubric.levels.flatMap((l) => [h("dt", {}, `${l.value} · ${l.label}`), h("dd", {}, l.anchor)]),
    ),
    h("p", { class: "hint" }, `${q.competency} · ${q.seniority} · ${q.kind} · ${q.minutes} min`),
    h("h3", {}, "Look-fors"),
    h("ol", {}, ...q.look_fors.map((s) => h("li", {}, s))),
    h("h3", {}, "Follow-ups"),
    h("ol", {}, ...q.follow_ups.map((s) => h("li", {}, s))),
  );
}

/** A question's revisions, newest first, each with what changed. */
export function questionHistoryScreen(ctx: Ctx, id: string): Screen {
  const body = h("main", { class: "content bank bank-history" }, h("p", { class: "hint" }, "Loading…"));
  const el = h(
    "div",
    { class: "screen screen-bank-history" },
    topBar(`History of ${id}`, backButton(ctx, "Back to the bank", { name: "bank" }), []),
    body,
  );
  void (async () => {
    try {
      const hist = await ctx.backend.questionHistory(id);
      clear(body);
      for (const rev of [...hist.revisions].reverse()) {
        const changes = hist.changes.find((c) => c.revision === rev.revision)?.changes ?? [];
        const titleId = nextId("rev");
        body.appendChild(
          h(
            "section",
            {
              class: "card bank-rev",
              attrs: { "aria-labelledby": titleId },
              dataset: { revision: String(rev.revision) },
            },
            h("h2", { id: titleId }, `Revision ${rev.revision}`),
            h("p", { class: "hint" }, revisionWhen(rev.created_at)),
            rev.revision === 1
              ? h("p", {}, "First revision.")
              : changes.length === 0
                ? h("p", {}, "No field changed.")
                : h(
                    "dl",
                    { class: "bank-changes" },
                    ...changes.flatMap((c) => [
                      h("dt", {}, fieldLabel(c.field)),
                      h(
                        "dd",
                        {},
                        c.before !== null ? h("del", {}, c.before) : h("span", { class: "hint" }, "(added)"),
                        c.after !== null ? h("ins", {}, c.after) : h("span", { class: "hint" }, "(removed)"),
                      ),
                    ]),
                  ),
            h("details", {}, h("summary", {}, `Revision ${rev.revision} in full`), questionBody(rev.question)),
          ),
        );
      }
    } catch (err) {
      clear(body);
      body.appendChild(h("p", { class: "error", attrs: { role: "alert" } }, (err as Error).message));
    }
  })();
  return { el, title: `History of ${id} · Panelist` };
}

/** Competencies: create, rename, duplicate, retire and restore. */
export function competenciesScreen(ctx: Ctx): Screen {
  const list = h("div", { class: "bank-comps" });
  const summary = h("p", { class: "error bank-summary", attrs: { role: "status", "aria-live": "assertive" } });
  const errors = new FieldErrors(summary);
  const newId = h("input", { attrs: { type: "text", autocomplete: "off", spellcheck: "false" } });
  const newName = h("input", { attrs: { type: "text", autocomplete: "off" } });
  const newDesc = h("input", { attrs: { type: "text", autocomplete: "off" } });
  const add = h("button", { class: "btn btn-primary", attrs: { type: "submit" } }, "Add competency");
  const form = h(
    "form",
    { class: "card bank-comp-new", attrs: { novalidate: true, "aria-labelledby": "comp-new-title" } },
    h("h2", { id: "comp-new-title" }, "New competency"),
    summary,
    errors.field("id", "Id", newId),
    errors.field("name", "Name", newName),
    errors.field("description", "Description", newDesc),
    add,
  );
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    errors.clear();
    try {
      await ctx.backend.saveCompetency(
        { id: newId.value.trim(), name: newName.value, description: newDesc.value },
        true,
      );
      toast(`Added ${newName.value.trim()}.`);
      newId.value = newName.value = newDesc.value = "";
      ctx.bank(true).catch(() => undefined);
      await load();
    } catch (err) {
      errors.show((err as Error).message);
    }
  });

  const row = (c: BankCompetency) => {
    const name = h("input", { attrs: { type: "text", autocomplete: "off" } });
    name.value = c.competency.name;
    const desc = h("input", { attrs: { type: "text", autocomplete: "off" } });
    desc.value = c.competency.description ?? "";
    const msg = h("p", { class: "error", attrs: { role: "status", "aria-live": "polite" } });
    const save = h("button", { class: "btn btn-small", attrs: { type: "button" } }, "Save");
    save.addEventListener("click", async () => {
      msg.textContent = "";
      try {
        await ctx.backend.saveCompetency({ id: c.competency.id, name: name.value, description: desc.value }, false);
        toast(`Saved ${c.competency.id}.`);
      } catch (err) {
        msg.textContent = (err as Error).message;
      }
    });
    const dup = h("button", { class: "btn btn-small", attrs: { type: "button" } }, "Duplicate");
    dup.addEventListener("click", () => {
      newId.value = `${c.competency.id}-copy`;
      newName.value = `${c.competency.name} (copy)`;
      newDesc.value = c.competency.description ?? "";
      newName.focus();
    });
    const retire = h("button", { class: "btn btn-small", attrs: { type: "button" } }, c.retired ? "Restore" : "Retire");
    retire.addEventListener("click", async () => {
      try {
        await ctx.backend.setCompetencyRetired(c.competency.id, !c.retired);
        ctx.bank(true).catch(() => undefined);
        await load();
      } catch (err) {
        msg.textContent = (err as Error).message;
      }
    });
    const titleId = nextId("comp");
    return h(
      "section",
      { class: `card bank-comp${c.retired ? " bank-q-retired" : ""}`, attrs: { "aria-labelledby": titleId } },
      h("h2", { id: titleId }, `${c.competency.name}${c.retired ? " (retired)" : ""}`),
      h("p", { class: "hint" }, c.competency.id),
      field("Name", name),
      field("Description", desc),
      msg,
      h("div", { class: "bank-q-actions" }, save, dup, retire),
    );
  };

  const load = async () => {
    try {
      const catalog = await ctx.backend.bankCatalog();
      clear(list);
      for (const c of catalog.competencies) list.appendChild(row(c));
    } catch (err) {
      clear(list);
      list.appendChild(h("p", { class: "error", attrs: { role: "alert" } }, (err as Error).message));
    }
  };
  void load();
  const el = h(
    "div",
    { class: "screen screen-bank-comps" },
    topBar("Competencies", backButton(ctx, "Back to the bank", { name: "bank" }), []),
    h("main", { class: "content bank" }, form, list),
  );
  return { el, title: "Competencies · Panelist" };
}
