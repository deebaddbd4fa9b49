// The Amend dialog: after submission a score changes only with a reason,
// which the core records in the audit log.
import type { Ctx } from "../app";
import type { Entry } from "../bindings/Entry";
import type { Session } from "../bindings/Session";
import type { SessionView } from "../types";
import { h, nextId } from "../dom";
import { openModal } from "../widgets";

export function amendDialog(ctx: Ctx, session: Session, entry: Entry, preset?: number): Promise<SessionView | null> {
  const titleId = nextId("amend-title");
  const groupName = nextId("amend-level");
  const radios = entry.question.rubric.levels.map((l) => {
    const input = h("input", { attrs: { type: "radio", name: groupName, value: l.value } });
    input.checked = (preset ?? entry.score) === l.value;
    return h("label", { class: "radio-row" }, input, h("span", {}, `${l.value} · ${l.label}`));
  });
  const reason = h("textarea", { attrs: { rows: 3, required: true } });
  const reasonId = nextId("amend-reason");
  reason.id = reasonId;
  const error = h("p", { class: "error", attrs: { role: "alert" } });
  error.id = nextId("amend-error");
  reason.setAttribute("aria-describedby", error.id);
  const ok = h("button", { class: "btn btn-primary", attrs: { type: "submit" } }, "Amend score");
  const cancel = h("button", { class: "btn", attrs: { type: "button" } }, "Cancel");
  const current = entry.score === null ? "not scored" : `${entry.score}`;
  const form = h(
    "form",
    // novalidate: an empty reason gets our inline message, not a silent native refusal.
    { attrs: { method: "dialog", novalidate: true } },
    h("h2", { id: titleId }, "Amend score"),
    h(
      "p",
      { class: "hint" },
      `This interview is submitted. The change and your reason are kept in the audit log. Current score: ${current}.`,
    ),
    h("p", { class: "amend-q" }, entry.question.prompt),
    h("fieldset", {}, h("legend", {}, "New score"), ...radios),
    h("div", { class: "field" }, h("label", { attrs: { for: reasonId } }, "Reason"), reason),
    error,
    h("div", { class: "dialog-actions" }, cancel, ok),
  );
  const dlg = h("dialog", { class: "dialog", attrs: { "aria-labelledby": titleId } }, form);
  let result: SessionView | null = null;
  cancel.addEventListener("click", () => dlg.close());
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    error.textContent = "";
    const picked = form.querySelector<HTMLInputElement>(`input[name="${groupName}"]:checked`);
    if (!picked) {
      error.textContent = "Pick the new score.";
      return;
    }
    if (!reason.value.trim()) {
      error.textContent = "Say why the score changes.";
      reason.focus();
      return;
    }
    ok.disabled = true;
    try {
      result = await ctx.backend.amendScore(session.id, entry.question.id, Number(picked.value), reason.value);
      dlg.close();
    } catch (err) {
      error.textContent = (err as Error).message;
      ok.disabled = false;
    }
  });
  return openModal(dlg, reason, () => result);
}
