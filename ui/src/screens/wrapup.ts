// Wrap-up: summary, red flags, recommendation (autosaved with set_wrap_up),
// then Submit, which locks the interview.
import type { Ctx, Screen } from "../app";
import type { Recommendation } from "../bindings/Recommendation";
import type { Session } from "../bindings/Session";
import type { WrapUp } from "../bindings/WrapUp";
import { clear, h, nextId, toast } from "../dom";
import { RECOMMENDATIONS, parseRedFlags } from "../format";
import { registerFlusher } from "../flush";
import { NotesAutosave } from "../notes";
import { confirmDialog, saveIndicator, topBar } from "../widgets";
import { detailsDialog } from "./details";

/** One line per question: "3 · Good" / "Skipped" / "Not scored". */
export function scoreText(e: Session["entries"][number]): string {
  if (e.score !== null) {
    const l = e.question.rubric.levels.find((x) => x.value === e.score);
    return l ? `${l.value} · ${l.label}` : String(e.score);
  }
  return e.skipped ? "Skipped" : "Not scored";
}

/** The verdict's controls: summary, red flags and the recommendation radios. */
function verdictFields() {
  const summary = h("textarea", { id: nextId("summary"), attrs: { rows: 5 } });
  const flags = h("textarea", { id: nextId("flags"), attrs: { rows: 3, placeholder: "One per line" } });
  const recName = nextId("rec");
  const recInputs = RECOMMENDATIONS.map((r) => {
    const input = h("input", { attrs: { type: "radio", name: recName, value: r.value } });
    return { r, input };
  });
  const current = (): WrapUp => ({
    summary: summary.value,
    red_flags: parseRedFlags(flags.value),
    recommendation: (recInputs.find((x) => x.input.checked)?.r.value ?? null) as Recommendation | null,
  });
  const recFieldset = h(
    "fieldset",
    { class: "recs" },
    h("legend", {}, "Recommendation"),
    ...recInputs.map(({ r, input }) => h("label", { class: `rec rec-${r.value}` }, input, h("span", {}, r.label))),
  );
  return { summary, flags, recInputs, recFieldset, current };
}

/** What submitting does, and how many questions are still open. */
export function submitMessage(unscored: number): string {
  return (
    (unscored ? `${unscored} question${unscored === 1 ? " is" : "s are"} neither scored nor skipped. ` : "") +
    "After submitting, notes are locked and a score changes only with a reason."
  );
}

/** One question's score, with a way back to it. */
function scoreItem(ctx: Ctx, sessionId: string, e: Session["entries"][number], i: number): HTMLElement {
  const go = h("button", { class: "link", attrs: { type: "button" } }, e.question.prompt);
  go.addEventListener("click", () => void ctx.go({ name: "live", id: sessionId, index: i }));
  return h("li", {}, h("span", { class: `score-pill${e.score === null ? " none" : ""}` }, scoreText(e)), go);
}

export function wrapUpScreen(ctx: Ctx, sessionId: string): Screen {
  const { backend, queue } = ctx;
  let session: Session | null = null;
  let locked = false;

  const { summary, flags, recInputs, recFieldset, current } = verdictFields();
  const autosave = new NotesAutosave(queue, () => backend.setWrapUp(sessionId, current()), {
    keyPrefix: "wrap:",
    onChange: () => indicator.refresh(),
  });
  const indicator = saveIndicator(queue, () => autosave.hasDirty);
  const changed = () => {
    if (!locked) autosave.edit("wrap", "");
  };
  summary.addEventListener("input", changed);
  flags.addEventListener("input", changed);
  summary.addEventListener("blur", () => autosave.commit());
  flags.addEventListener("blur", () => autosave.commit());
  for (const { input } of recInputs)
    input.addEventListener("change", () => {
      changed();
      autosave.commit();
    });

  const back = h(
    "button",
    { class: "btn btn-ghost", attrs: { type: "button", "aria-label": "Back to the questions" } },
    "‹",
  );
  back.addEventListener("click", () => {
    const last = session ? session.entries.length - 1 : 0;
    void ctx.go({ name: "live", id: sessionId, index: last });
  });
  const scores = h("ol", { class: "score-list", attrs: { "aria-label": "Scores so far" } });
  const detailsText = h("p", { class: "details-line" });
  const editBtn = h("button", { class: "btn btn-small", attrs: { type: "button" } }, "Edit details…");
  const renderDetails = (s: Session) => {
    detailsText.textContent = `${s.candidate.name}${s.role ? ` · ${s.role}` : ""} · interviewed by ${s.interviewer}`;
    (bar.querySelector("h1") as HTMLElement).textContent = `Wrap-up: ${s.candidate.name}`;
    editBtn.hidden = s.status === "submitted";
  };
  editBtn.addEventListener("click", async () => {
    if (!session || locked) return;
    const updated = await detailsDialog(ctx, session);
    if (updated) {
      session = updated;
      renderDetails(updated);
      toast("Details saved.");
    }
    editBtn.focus();
  });
  const error = h("p", { class: "error", attrs: { role: "alert" } });
  const submitBtn = h("button", { class: "btn btn-primary", attrs: { type: "button" } }, "Submit");
  const body = h(
    "main",
    { class: "content" },
    h(
      "section",
      { class: "card details-card", attrs: { "aria-labelledby": "details-title" } },
      h("h2", { id: "details-title" }, "Interview"),
      detailsText,
      editBtn,
    ),
    h(
      "section",
      { class: "card", attrs: { "aria-labelledby": "scores-title" } },
      h("h2", { id: "scores-title" }, "Scores"),
      scores,
    ),
    h(
      "section",
      { class: "card", attrs: { "aria-labelledby": "verdict-title" } },
      h("h2", { id: "verdict-title" }, "Verdict"),
      h("div", { class: "field" }, h("label", { attrs: { for: summary.id } }, "Summary"), summary),
      h(
        "div",
        { class: "field" },
        h("label", { attrs: { for: flags.id } }, "Red flags ", h("span", { class: "hint" }, "one per line")),
        flags,
      ),
      recFieldset,
    ),
    error,
  );
  const footer = h("nav", { class: "navbar", attrs: { "aria-label": "Submit" } }, submitBtn);
  const bar = topBar("Wrap-up", back, [indicator.el]);
  const el = h("div", { class: "screen screen-wrap" }, bar, body, footer);

  submitBtn.addEventListener("click", async () => {
    error.textContent = "";
    if (!session) return;
    if (locked) {
      void ctx.go({ name: "summary", id: sessionId });
      return;
    }
    const wrap = current();
    if (!wrap.recommendation) {
      error.textContent = "Choose a recommendation before submitting.";
      recInputs[0]?.input.focus();
      return;
    }
    const unscored = session.entries.filter((e) => e.score === null && !e.skipped).length;
    const msg = submitMessage(unscored);
    if (!(await confirmDialog("Submit this interview?", msg, "Submit"))) return;
    submitBtn.disabled = true;
    try {
      autosave.commit();
      await queue.flush(3000);
      await backend.submit(sessionId, wrap.recommendation, wrap.summary);
      await ctx.go({ name: "summary", id: sessionId });
    } catch (err) {
      error.textContent = `Cannot submit: ${(err as Error).message}`;
      submitBtn.disabled = false;
    }
  });

  const unregister = registerFlusher(() => autosave.flush(800));

  void (async () => {
    try {
      session = await backend.getSession(sessionId);
    } catch (err) {
      error.textContent = `Cannot open this interview: ${(err as Error).message}`;
      return;
    }
    const s = session;
    locked = s.status === "submitted";
    renderDetails(s);
    summary.value = s.summary;
    flags.value = s.red_flags.join("\n");
    for (const { r, input } of recInputs) input.checked = r.value === s.recommendation;
    if (locked) {
      for (const c of [summary, flags, ...recInputs.map((x) => x.input)]) c.disabled = true;
      submitBtn.textContent = "View summary";
    }
    clear(scores);
    s.entries.forEach((e, i) => scores.appendChild(scoreItem(ctx, sessionId, e, i)));
  })();

  return {
    el,
    title: "Wrap-up – Panelist",
    shown: () => summary.focus(),
    async leave() {
      await autosave.flush(2000);
      unregister();
      indicator.dispose();
    },
  };
}
