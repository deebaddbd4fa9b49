// Edit details: candidate, interviewer and role of an interview that is not
// submitted yet. The core validates (and refuses after submission); the
// dialog shows its message inline and changes nothing on error.
import type { Ctx } from "../app";
import type { Session } from "../bindings/Session";
import type { SessionView } from "../types";
import { field, h } from "../dom";
import { checkPeople, formDialog } from "../widgets";

export function detailsDialog(ctx: Ctx, session: Session): Promise<SessionView | null> {
  const candidate = h("input", { attrs: { type: "text", autocomplete: "off" } });
  const role = h("input", { attrs: { type: "text", autocomplete: "off" } });
  const interviewer = h("input", { attrs: { type: "text", autocomplete: "off" } });
  candidate.value = session.candidate.name;
  role.value = session.role;
  interviewer.value = session.interviewer;
  return formDialog({
    title: "Edit details",
    ok: "Save details",
    fields: [field("Candidate", candidate), field("Role", role), field("Interviewer", interviewer)],
    focus: candidate,
    check: () => checkPeople(candidate, interviewer),
    submit: () =>
      ctx.backend.editSessionDetails(session.id, {
        candidate: candidate.value,
        interviewer: interviewer.value,
        role: role.value,
      }),
    errorPrefix: "Not saved: ",
  });
}
