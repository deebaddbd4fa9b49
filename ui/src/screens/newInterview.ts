// New interview: who and what, then a kit or hand-picked questions.
import type { Ctx, Screen } from "../app";
import type { KitSummary } from "../bindings/KitSummary";
import type { Question } from "../bindings/Question";
import { clear, field, h, toast } from "../dom";
import {
  EMPTY_FILTER,
  addPicked,
  filterQuestions,
  kitNameFor,
  move,
  pickedSummary,
  removePicked,
  type QuestionFilter,
} from "../kit";
import type { BankView } from "../types";
import { confirmDialog, topBar } from "../widgets";

const SENIORITIES = ["junior", "mid", "senior"] as const;
const KINDS = ["concept", "scenario", "experience", "behavioural"] as const;

function cap(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

export function newInterviewScreen(ctx: Ctx): Screen {
  const candidate = h("input", { attrs: { type: "text", autocomplete: "off", required: true } });
  const role = h("input", { attrs: { type: "text", autocomplete: "off", placeholder: "e.g. Backend engineer" } });
  const interviewer = h("input", { attrs: { type: "text", autocomplete: "off", required: true } });
  interviewer.value = ctx.info.interviewer ?? "";

  const kitSelect = h("select", {}, h("option", { attrs: { value: "" } }, "Pick questions by hand"));
  const pickedList = h("ol", { class: "picked", attrs: { "aria-label": "Questions in this interview" } });
  const total = h("p", { class: "total", attrs: { "aria-live": "polite" } });

  const search = h("input", { attrs: { type: "search", autocomplete: "off", placeholder: "Search the bank" } });
  const compSel = h("select", {}, h("option", { attrs: { value: "" } }, "Any competency"));
  const senSel = h(
    "select",
    {},
    h("option", { attrs: { value: "" } }, "Any seniority"),
    ...SENIORITIES.map((s) => h("option", { attrs: { value: s } }, cap(s))),
  );
  const kindSel = h(
    "select",
    {},
    h("option", { attrs: { value: "" } }, "Any kind"),
    ...KINDS.map((k) => h("option", { attrs: { value: k } }, cap(k))),
  );
  const results = h("ul", { class: "bank-results", attrs: { "aria-label": "Questions in the bank" } });
  const resultCount = h("p", { class: "hint", attrs: { "aria-live": "polite" } });

  const kitName = h("input", { attrs: { type: "text", autocomplete: "off" } });
  const saveKitBtn = h("button", { class: "btn", attrs: { type: "button" } }, "Save as kit");
  const startBtn = h("button", { class: "btn btn-primary", attrs: { type: "submit" } }, "Start interview");
  // A draft is prepared now and started later (from Home); its clock waits.
  const draftBtn = h("button", { class: "btn", attrs: { type: "button" } }, "Save as draft");
  let asDraft = false;
  const errorBox = h("p", { class: "error", attrs: { role: "alert" } });

  let bank: BankView = { competencies: [], questions: [], kits: [] };
  let byId = new Map<string, Question>();
  let picked: string[] = [];
  let chosenKit: KitSummary | null = null;
  let savedKitName: { name: string; questions: string[] } | null = null;
  let filter: QuestionFilter = { ...EMPTY_FILTER };

  const compName = (id: string) => bank.competencies.find((c) => c.id === id)?.name ?? id;

  // The budget comes from the core; the latest request wins.
  let budgetSeq = 0;
  const updateTotal = async () => {
    const mine = ++budgetSeq;
    const ids = picked.slice();
    if (ids.length === 0) {
      total.removeAttribute("aria-busy");
      total.textContent = pickedSummary(0, 0);
      return;
    }
    // Busy until the core's answer for this list arrives.
    total.setAttribute("aria-busy", "true");
    let minutes: number | null = null;
    try {
      minutes = await ctx.backend.budgetMinutes(ids);
    } catch {
      minutes = null;
    }
    if (mine !== budgetSeq) return;
    total.textContent = pickedSummary(ids.length, minutes);
    total.removeAttribute("aria-busy");
  };

  const renderPicked = (focusSel?: string) => {
    clear(pickedList);
    void updateTotal();
    if (picked.length === 0) {
      pickedList.appendChild(h("li", { class: "empty" }, "No questions yet: choose a kit or add from the bank below."));
    }
    picked.forEach((id, i) => {
      const q = byId.get(id);
      const label = q?.prompt ?? id;
      const up = h(
        "button",
        { class: "icon-btn", attrs: { type: "button", "aria-label": `Move up: ${label}`, disabled: i === 0 } },
        "↑",
      );
      const down = h(
        "button",
        {
          class: "icon-btn",
          attrs: { type: "button", "aria-label": `Move down: ${label}`, disabled: i === picked.length - 1 },
        },
        "↓",
      );
      const remove = h(
        "button",
        { class: "icon-btn", attrs: { type: "button", "aria-label": `Remove: ${label}` } },
        "✕",
      );
      up.dataset.key = `up-${id}`;
      down.dataset.key = `down-${id}`;
      remove.dataset.key = `rm-${id}`;
      up.addEventListener("click", () => {
        picked = move(picked, i, -1);
        renderPicked(`[data-key="up-${id}"]`);
      });
      down.addEventListener("click", () => {
        picked = move(picked, i, 1);
        renderPicked(`[data-key="down-${id}"]`);
      });
      remove.addEventListener("click", () => {
        picked = removePicked(picked, id);
        renderPicked();
        renderResults();
      });
      pickedList.appendChild(
        h(
          "li",
          {},
          h(
            "div",
            { class: "q-line" },
            h("span", { class: "q-prompt" }, label),
            h("span", { class: "q-meta" }, q ? `${compName(q.competency)} · ${q.seniority} · ${q.minutes} min` : ""),
          ),
          h("div", { class: "q-actions" }, up, down, remove),
        ),
      );
    });
    if (focusSel) {
      const target = pickedList.querySelector<HTMLButtonElement>(focusSel);
      if (target && !target.disabled) target.focus();
      else pickedList.querySelector<HTMLButtonElement>("button:not([disabled])")?.focus();
    }
  };

  const renderResults = () => {
    const found = filterQuestions(bank.questions, filter);
    clear(results);
    resultCount.textContent = `${found.length} question${found.length === 1 ? "" : "s"} in the bank match`;
    for (const q of found.slice(0, 100)) {
      const already = picked.includes(q.id);
      const add = h(
        "button",
        {
          class: "btn btn-small",
          attrs: { type: "button", disabled: already, "aria-label": `${already ? "Added" : "Add"}: ${q.prompt}` },
        },
        already ? "Added" : "Add",
      );
      add.addEventListener("click", () => {
        picked = addPicked(picked, q.id);
        renderPicked();
        renderResults();
        const next = results.querySelector<HTMLButtonElement>("button:not([disabled])");
        next?.focus();
      });
      results.appendChild(
        h(
          "li",
          {},
          h(
            "div",
            { class: "q-line" },
            h("span", { class: "q-prompt" }, q.prompt),
            h("span", { class: "q-meta" }, `${compName(q.competency)} · ${q.seniority} · ${q.kind} · ${q.minutes} min`),
          ),
          add,
        ),
      );
    }
  };

  kitSelect.addEventListener("change", () => {
    chosenKit = bank.kits.find((k) => k.id === kitSelect.value) ?? null;
    if (chosenKit) picked = chosenKit.questions.filter((id) => byId.has(id));
    renderPicked();
    renderResults();
  });
  const onFilter = () => {
    filter = {
      text: search.value,
      competency: compSel.value,
      seniority: senSel.value as QuestionFilter["seniority"],
      kind: kindSel.value as QuestionFilter["kind"],
    };
    renderResults();
  };
  search.addEventListener("input", onFilter);
  for (const s of [compSel, senSel, kindSel]) s.addEventListener("change", onFilter);

  saveKitBtn.addEventListener("click", async () => {
    const name = kitName.value.trim();
    errorBox.textContent = "";
    if (!name) {
      errorBox.textContent = "Give the kit a name first.";
      kitName.focus();
      return;
    }
    if (picked.length === 0) {
      errorBox.textContent = "Add at least one question to save a kit.";
      return;
    }
    try {
      let kit;
      try {
        kit = await ctx.backend.saveKit(name, "", picked, false);
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
          kitName.focus();
          return;
        }
        kit = await ctx.backend.saveKit(name, "", picked, true);
      }
      savedKitName = { name: kit.name, questions: [...kit.questions] };
      bank = await ctx.bank(true);
      fillKits(kit.id);
      chosenKit = bank.kits.find((k) => k.id === kit.id) ?? null;
      toast(`Saved kit “${kit.name}”.`);
    } catch (err) {
      errorBox.textContent = `Cannot save the kit: ${(err as Error).message}`;
    }
  });

  const scroller = h(
    "main",
    { class: "content" },
    h(
      "section",
      { class: "card" },
      field("Candidate", candidate),
      field("Role", role),
      field("Interviewer", interviewer, "Remembered for next time."),
    ),
    h(
      "section",
      { class: "card", attrs: { "aria-labelledby": "qs-title" } },
      h("h2", { id: "qs-title" }, "Questions"),
      field("Kit", kitSelect),
      total,
      pickedList,
      h("div", { class: "row kit-save" }, field("Kit name", kitName), saveKitBtn),
    ),
    h(
      "section",
      { class: "card", attrs: { "aria-labelledby": "bank-title" } },
      h("h2", { id: "bank-title" }, "Add from the bank"),
      field("Search", search),
      h(
        "div",
        { class: "row row-3" },
        field("Competency", compSel),
        field("Seniority", senSel),
        field("Kind", kindSel),
      ),
      resultCount,
      results,
    ),
  );
  const form = h(
    "form",
    { class: "form-shell new-form", attrs: { novalidate: true, "aria-label": "New interview" } },
    scroller,
    h("footer", { class: "navbar form-footer" }, errorBox, draftBtn, startBtn),
  );
  draftBtn.addEventListener("click", () => {
    asDraft = true;
    form.requestSubmit();
  });

  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    errorBox.textContent = "";
    const draft = asDraft;
    asDraft = false;
    if (!candidate.value.trim()) {
      errorBox.textContent = "Who is the candidate?";
      candidate.focus();
      return;
    }
    if (!interviewer.value.trim()) {
      errorBox.textContent = "Who is interviewing?";
      interviewer.focus();
      return;
    }
    if (picked.length === 0) {
      errorBox.textContent = "Choose a kit or add at least one question.";
      kitSelect.focus();
      return;
    }
    startBtn.disabled = true;
    draftBtn.disabled = true;
    try {
      const kit = kitNameFor(picked, chosenKit) ?? kitNameFor(picked, savedKitName);
      const s = await ctx.backend.createSession(
        {
          candidate: candidate.value.trim(),
          role: role.value.trim(),
          interviewer: interviewer.value.trim(),
          kit,
          question_ids: picked,
        },
        draft,
      );
      ctx.info.interviewer = s.interviewer;
      if (draft) {
        toast(`Draft saved for ${s.candidate.name}: start it from Interviews when the call begins.`);
        await ctx.go({ name: "home" });
      } else {
        await ctx.go({ name: "live", id: s.id, index: 0 });
      }
    } catch (err) {
      errorBox.textContent = `${draft ? "Cannot save the draft" : "Cannot start"}: ${(err as Error).message}`;
      startBtn.disabled = false;
      draftBtn.disabled = false;
    }
  });

  function fillKits(selected?: string) {
    while (kitSelect.options.length > 1) kitSelect.remove(1);
    for (const k of bank.kits) {
      const opt = h(
        "option",
        { attrs: { value: k.id } },
        `${k.name} (${k.questions.length} questions, ${k.minutes} min)`,
      );
      kitSelect.appendChild(opt);
    }
    if (selected) kitSelect.value = selected;
  }

  const back = h(
    "button",
    { class: "btn btn-ghost", attrs: { type: "button", "aria-label": "Back to interviews" } },
    "‹ Back",
  );
  back.addEventListener("click", () => void ctx.go({ name: "home" }));

  const el = h("div", { class: "screen screen-new" }, topBar("New interview", back, []), form);

  void (async () => {
    try {
      bank = await ctx.bank();
      byId = new Map(bank.questions.map((q) => [q.id, q]));
      for (const c of bank.competencies) compSel.appendChild(h("option", { attrs: { value: c.id } }, c.name));
      fillKits();
      renderPicked();
      renderResults();
    } catch (err) {
      errorBox.textContent = `Cannot load the question bank: ${(err as Error).message}`;
    }
  })();

  return { el, title: "New interview – Panelist", shown: () => candidate.focus() };
}
