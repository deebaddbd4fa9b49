// Plans: every interview plan here with its counts, and "New plan"
// (candidate, role, coordinator), which opens the new plan's screen.
import type { Ctx, Screen } from "../app";
import type { PlanSummary } from "../bindings/PlanSummary";
import { clear, field, h } from "../dom";
import { shortDate } from "../format";
import { formDialog, topBar } from "../widgets";
import "../styles/plans.css";

/** The New plan dialog; resolves to the new plan's id, or null. */
export function newPlanDialog(ctx: Ctx): Promise<string | null> {
  const input = () => h("input", { attrs: { type: "text", autocomplete: "off" } });
  const candidate = input();
  const role = input();
  const coordinator = input();
  coordinator.value = ctx.info.interviewer ?? "";
  return formDialog({
    title: "New plan",
    ok: "Create plan",
    fields: [
      field("Candidate", candidate),
      field("Role", role),
      field("Coordinator", coordinator, "Who plans the interviews; the plan file is signed in this name."),
    ],
    focus: candidate,
    check: () => (candidate.value.trim() ? null : { message: "Who is the candidate?", focus: candidate }),
    submit: async () =>
      (
        await ctx.backend.createPlan({
          candidate: candidate.value.trim(),
          role: role.value.trim(),
          coordinator: coordinator.value.trim() || null,
        })
      ).id,
  });
}

function planRow(ctx: Ctx, p: PlanSummary): HTMLElement {
  const open = h("button", { class: "btn btn-small", attrs: { type: "button" } }, "Open");
  open.setAttribute("aria-label", `Open the plan of ${p.candidate}`);
  open.addEventListener("click", () => void ctx.go({ name: "plan", id: p.id }));
  return h(
    "li",
    { class: "plan-item", dataset: { plan: p.id } },
    h(
      "div",
      { class: "my-what" },
      h("strong", {}, p.candidate),
      p.role ? h("span", {}, p.role) : null,
      h(
        "span",
        { class: "hint" },
        `${p.members} interviewer${p.members === 1 ? "" : "s"}, ${p.submitted} submitted` +
          (p.overdue ? `, ${p.overdue} overdue` : "") +
          ` · created ${shortDate(p.created_at)}`,
      ),
    ),
    open,
  );
}

export function plansScreen(ctx: Ctx): Screen {
  const back = h(
    "button",
    { class: "btn btn-ghost", attrs: { type: "button", "aria-label": "Back to interviews" } },
    "‹",
  );
  back.addEventListener("click", () => void ctx.go({ name: "home" }));
  const create = h("button", { class: "btn btn-primary", attrs: { type: "button" } }, "New plan");
  create.addEventListener("click", async () => {
    const id = await newPlanDialog(ctx);
    if (id) await ctx.go({ name: "plan", id });
    else create.focus();
  });
  const list = h("div", { class: "plans-body", attrs: { "aria-live": "polite" } });
  const el = h(
    "div",
    { class: "screen screen-plans" },
    topBar("Plans", back, [create]),
    h(
      "main",
      { class: "content" },
      h(
        "section",
        { class: "card", attrs: { "aria-labelledby": "plans-title" } },
        h("h2", { id: "plans-title" }, "Interview plans"),
        list,
      ),
    ),
  );
  void ctx.backend
    .listPlans()
    .then((plans) => {
      clear(list);
      list.appendChild(
        plans.length
          ? h("ul", { class: "my-list" }, ...plans.map((p) => planRow(ctx, p)))
          : h(
              "p",
              { class: "hint" },
              "No plans yet. A plan says who interviews a candidate, on which kit, with which focus, and when feedback is due.",
            ),
      );
    })
    .catch((err: Error) => {
      clear(list);
      list.appendChild(h("p", { class: "error" }, err.message));
    });
  return { el, title: "Plans — Panelist", shown: () => create.focus() };
}
