// New interview: who and what, then a kit or hand-picked questions. The
// picker (picked list, budget, bank search) is `newInterview/picker.ts`.
import type { Ctx, Screen } from "../app";
import type { KitSummary } from "../bindings/KitSummary";
import { field, h, toast } from "../dom";
import { kitNameFor } from "../kit";
import { checkPeople, confirmDialog, topBar } from "../widgets";
import { QuestionPicker } from "./newInterview/picker";

interface Who {
  candidate: HTMLInputElement;
  role: HTMLInputElement;
  interviewer: HTMLInputElement;
}

class NewInterview {
  readonly who: Who = {
    candidate: h("input", { attrs: { type: "text", autocomplete: "off", required: true } }),
    role: h("input", { attrs: { type: "text", autocomplete: "off", placeholder: "e.g. Backend engineer" } }),
    interviewer: h("input", { attrs: { type: "text", autocomplete: "off", required: true } }),
  };
  readonly kitSelect = h("select", {}, h("option", { attrs: { value: "" } }, "Pick questions by hand"));
  readonly kitName = h("input", { attrs: { type: "text", autocomplete: "off" } });
  readonly saveKitBtn = h("button", { class: "btn", attrs: { type: "button" } }, "Save as kit");
  readonly startBtn = h("button", { class: "btn btn-primary", attrs: { type: "submit" } }, "Start interview");
  // A draft is prepared now and started later (from Home); its clock waits.
  readonly draftBtn = h("button", { class: "btn", attrs: { type: "button" } }, "Save as draft");
  readonly errorBox = h("p", { class: "error", attrs: { role: "alert" } });
  readonly picker: QuestionPicker;
  readonly form: HTMLFormElement;
  asDraft = false;
  chosenKit: KitSummary | null = null;
  savedKitName: { name: string; questions: string[] } | null = null;

  constructor(readonly ctx: Ctx) {
    this.who.interviewer.value = ctx.info.interviewer ?? "";
    this.picker = new QuestionPicker(ctx);
    this.form = this.buildForm();
    this.kitSelect.addEventListener("change", () => {
      this.chosenKit = this.picker.bank.kits.find((k) => k.id === this.kitSelect.value) ?? null;
      if (this.chosenKit) this.picker.picked = this.chosenKit.questions.filter((id) => this.picker.has(id));
      this.picker.render();
    });
    this.saveKitBtn.addEventListener("click", () => void this.saveKit());
    this.draftBtn.addEventListener("click", () => {
      this.asDraft = true;
      this.form.requestSubmit();
    });
    this.form.addEventListener("submit", (ev) => {
      ev.preventDefault();
      void this.submit();
    });
  }

  private buildForm(): HTMLFormElement {
    const p = this.picker;
    const scroller = h(
      "main",
      { class: "content" },
      h(
        "section",
        { class: "card" },
        field("Candidate", this.who.candidate),
        field("Role", this.who.role),
        field("Interviewer", this.who.interviewer, "Remembered for next time."),
      ),
      h(
        "section",
        { class: "card", attrs: { "aria-labelledby": "qs-title" } },
        h("h2", { id: "qs-title" }, "Questions"),
        field("Kit", this.kitSelect),
        p.total,
        p.pickedList,
        h("div", { class: "row kit-save" }, field("Kit name", this.kitName), this.saveKitBtn),
      ),
      h(
        "section",
        { class: "card", attrs: { "aria-labelledby": "bank-title" } },
        h("h2", { id: "bank-title" }, "Add from the bank"),
        ...p.searchFields(),
      ),
    );
    return h(
      "form",
      { class: "form-shell new-form", attrs: { novalidate: true, "aria-label": "New interview" } },
      scroller,
      h("footer", { class: "navbar form-footer" }, this.errorBox, this.draftBtn, this.startBtn),
    );
  }

  /** Saves the picked questions as a kit, asking before replacing an own kit of that name. */
  async saveKit() {
    const name = this.kitName.value.trim();
    const picked = this.picker.picked;
    this.errorBox.textContent = "";
    if (!name) {
      this.errorBox.textContent = "Give the kit a name first.";
      this.kitName.focus();
      return;
    }
    if (picked.length === 0) {
      this.errorBox.textContent = "Add at least one question to save a kit.";
      return;
    }
    try {
      let kit;
      try {
        kit = await this.ctx.backend.saveKit(name, "", picked, false);
      } catch (err) {
        // An own kit of that name: ask before replacing it. A built-in
        // kit's name is refused by the core (locked) and shown below.
        if ((err as { code?: string }).code !== "conflict") throw err;
        const replace = await confirmDialog(
          "Replace the kit?",
          `A kit named “${name}” already exists. Replace its questions with these ${picked.length}?`,
          "Replace",
        );
        if (!replace) {
          this.kitName.focus();
          return;
        }
        kit = await this.ctx.backend.saveKit(name, "", picked, true);
      }
      this.savedKitName = { name: kit.name, questions: [...kit.questions] };
      this.picker.setBank(await this.ctx.bank(true));
      this.fillKits(kit.id);
      this.chosenKit = this.picker.bank.kits.find((k) => k.id === kit.id) ?? null;
      toast(`Saved kit “${kit.name}”.`);
    } catch (err) {
      this.errorBox.textContent = `Cannot save the kit: ${(err as Error).message}`;
    }
  }

  async submit() {
    const { who, errorBox, startBtn, draftBtn } = this;
    const picked = this.picker.picked;
    errorBox.textContent = "";
    const draft = this.asDraft;
    this.asDraft = false;
    const problem =
      checkPeople(who.candidate, who.interviewer) ??
      (picked.length === 0 ? { message: "Choose a kit or add at least one question.", focus: this.kitSelect } : null);
    if (problem) {
      errorBox.textContent = problem.message;
      problem.focus?.focus();
      return;
    }
    startBtn.disabled = true;
    draftBtn.disabled = true;
    try {
      const kit = kitNameFor(picked, this.chosenKit) ?? kitNameFor(picked, this.savedKitName);
      const s = await this.ctx.backend.createSession(
        {
          candidate: who.candidate.value.trim(),
          role: who.role.value.trim(),
          interviewer: who.interviewer.value.trim(),
          kit,
          question_ids: picked,
        },
        draft,
      );
      this.ctx.info.interviewer = s.interviewer;
      if (draft) {
        toast(`Draft saved for ${s.candidate.name}: start it from Interviews when the call begins.`);
        await this.ctx.go({ name: "home" });
      } else {
        await this.ctx.go({ name: "live", id: s.id, index: 0 });
      }
    } catch (err) {
      errorBox.textContent = `${draft ? "Cannot save the draft" : "Cannot start"}: ${(err as Error).message}`;
      startBtn.disabled = false;
      draftBtn.disabled = false;
    }
  }

  fillKits(selected?: string) {
    const sel = this.kitSelect;
    while (sel.options.length > 1) sel.remove(1);
    for (const k of this.picker.bank.kits) {
      sel.appendChild(
        h("option", { attrs: { value: k.id } }, `${k.name} (${k.questions.length} questions, ${k.minutes} min)`),
      );
    }
    if (selected) sel.value = selected;
  }

  async load() {
    try {
      this.picker.setBank(await this.ctx.bank(), true);
      this.fillKits();
      this.picker.render();
    } catch (err) {
      this.errorBox.textContent = `Cannot load the question bank: ${(err as Error).message}`;
    }
  }
}

export function newInterviewScreen(ctx: Ctx): Screen {
  const screen = new NewInterview(ctx);
  const back = h(
    "button",
    { class: "btn btn-ghost", attrs: { type: "button", "aria-label": "Back to interviews" } },
    "‹ Back",
  );
  back.addEventListener("click", () => void ctx.go({ name: "home" }));
  const el = h("div", { class: "screen screen-new" }, topBar("New interview", back, []), screen.form);
  void screen.load();
  return { el, title: "New interview – Panelist", shown: () => screen.who.candidate.focus() };
}
