// The Amend dialog: after submission a score changes only with a reason,
// which the core records in the audit log.
import type { Ctx } from "../app";
import type { Entry } from "../bindings/Entry";
import type { Session } from "../bindings/Session";
import type { SessionView } from "../types";
import { h, nextId } from "../dom";
import { formDialog } from "../widgets";

export function amendDialog(ctx: Ctx, session: Session, entry: Entry, preset?: number): Promise<SessionView | null> {
  const groupName = nextId("amend-level");
  const inputs = entry.question.rubric.levels.map((l) => {
    const input = h("input", { attrs: { type: "radio", name: groupName, value: l.value } });
    input.checked = (preset ?? entry.score) === l.value;
    return input;
  });
  const radios = inputs.map((input, i) => {
    const l = entry.question.rubric.levels[i];
    return h("label", { class: "radio-row" }, input, h("span", {}, `${l.value} · ${l.label}`));
  });
  const reason = h("textarea", { attrs: { rows: 3, required: true } });
  const reasonId = nextId("amend-reason");
  reason.id = reasonId;
  const current = entry.score === null ? "not scored" : `${entry.score}`;
  const picked = () => inputs.find((x) => x.checked) ?? null;
  return formDialog({
    title: "Amend score",
    ok: "Amend score",
    fields: [
      h(
        "p",
        { class: "hint" },
        `This interview is submitted. The change and your reason are kept in the audit log. Current score: ${current}.`,
      ),
      h("p", { class: "amend-q" }, entry.question.prompt),
      h("fieldset", {}, h("legend", {}, "New score"), ...radios),
      h("div", { class: "field" }, h("label", { attrs: { for: reasonId } }, "Reason"), reason),
    ],
    focus: reason,
    withError: (error) => reason.setAttribute("aria-describedby", error.id),
    check: () => {
      if (!picked()) return { message: "Pick the new score." };
      if (!reason.value.trim()) return { message: "Say why the score changes.", focus: reason };
      return null;
    },
    submit: () => ctx.backend.amendScore(session.id, entry.question.id, Number(picked()?.value), reason.value),
  });
}
