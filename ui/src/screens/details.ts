// Edit details: candidate, interviewer and role of an interview that is not
// submitted yet. The core validates (and refuses after submission); the
// dialog shows its message inline and changes nothing on error.
import type { Ctx } from "../app";
import type { Session } from "../bindings/Session";
import type { SessionView } from "../types";
import { field, h, nextId } from "../dom";
import { openModal } from "../widgets";

export function detailsDialog(ctx: Ctx, session: Session): Promise<SessionView | null> {
  const titleId = nextId("details-title");
  const candidate = h("input", { attrs: { type: "text", autocomplete: "off" } });
  const role = h("input", { attrs: { type: "text", autocomplete: "off" } });
  const interviewer = h("input", { attrs: { type: "text", autocomplete: "off" } });
  candidate.value = session.candidate.name;
  role.value = session.role;
  interviewer.value = session.interviewer;
  const error = h("p", { class: "error", attrs: { role: "alert" } });
  const ok = h("button", { class: "btn btn-primary", attrs: { type: "submit" } }, "Save details");
  const cancel = h("button", { class: "btn", attrs: { type: "button" } }, "Cancel");
  const form = h(
    "form",
    { attrs: { method: "dialog", novalidate: true } },
    h("h2", { id: titleId }, "Edit details"),
    field("Candidate", candidate),
    field("Role", role),
    field("Interviewer", interviewer),
    error,
    h("div", { class: "dialog-actions" }, cancel, ok),
  );
  const dlg = h("dialog", { class: "dialog", attrs: { "aria-labelledby": titleId } }, form);
  let result: SessionView | null = null;
  cancel.addEventListener("click", () => dlg.close());
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    error.textContent = "";
    if (!candidate.value.trim()) {
      error.textContent = "Who is the candidate?";
      candidate.focus();
      return;
    }
    if (!interviewer.value.trim()) {
      error.textContent = "Who is interviewing?";
      interviewer.focus();
      return;
    }
    ok.disabled = true;
    try {
      result = await ctx.backend.editSessionDetails(session.id, {
        candidate: candidate.value,
        interviewer: interviewer.value,
        role: role.value,
      });
      dlg.close();
    } catch (err) {
      error.textContent = `Not saved: ${(err as Error).message}`;
      ok.disabled = false;
    }
  });
  return openModal(dlg, candidate, () => result);
}
