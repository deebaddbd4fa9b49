// Home's "My interviews": the planned interviews of the app's user (the
// interviewer name last used here), today first, then upcoming, then those
// whose feedback is overdue (marked in words, not only colour). Starting
// one creates the session from the plan (candidate, role, kit) in the core.
import type { Ctx } from "../../app";
import type { PlanSummary } from "../../bindings/PlanSummary";
import { clear, h } from "../../dom";
import { shortDate } from "../../format";
import { GROUP_TITLES, stateLabel } from "../planModel";

export class MyInterviews {
  readonly el: HTMLElement;
  private readonly body: HTMLElement;

  constructor(private readonly ctx: Ctx) {
    this.body = h("div", { class: "my-body" });
    this.el = h(
      "section",
      { class: "card my-interviews", attrs: { "aria-labelledby": "my-title" } },
      h("h2", { id: "my-title" }, "My interviews"),
      this.body,
    );
  }

  async load(): Promise<void> {
    let mine;
    try {
      mine = await this.ctx.backend.myInterviews(null);
    } catch (err) {
      clear(this.body);
      this.body.appendChild(h("p", { class: "error" }, `Plans could not be read: ${(err as Error).message}`));
      return;
    }
    clear(this.body);
    if (!mine.name) {
      this.body.appendChild(
        h("p", { class: "hint" }, "Your planned interviews show here once you have run an interview under your name."),
      );
      return;
    }
    const groups = mine.groups;
    if (!groups.length) {
      this.body.appendChild(h("p", { class: "hint" }, `No planned interviews for ${mine.name}.`));
      return;
    }
    this.body.appendChild(h("p", { class: "hint" }, `Planned for ${mine.name}.`));
    for (const { group, plans } of groups) {
      const titleId = `my-${group}`;
      this.body.appendChild(
        h(
          "section",
          { class: `my-group my-${group}`, attrs: { "aria-labelledby": titleId } },
          h("h3", { id: titleId }, GROUP_TITLES[group]),
          h("ul", { class: "my-list" }, ...plans.map((p) => this.item(p, mine.name!))),
        ),
      );
    }
  }

  private item(p: PlanSummary, name: string): HTMLElement {
    const m = p.mine!;
    const overdue = m.state === "overdue";
    const session = m.session;
    const action = h(
      "button",
      { class: `btn btn-small${overdue ? " btn-primary" : ""}`, attrs: { type: "button" } },
      session ? "Continue" : "Start",
    );
    action.setAttribute("aria-label", `${session ? "Continue" : "Start"} interview of ${p.candidate}`);
    action.addEventListener("click", async () => {
      action.disabled = true;
      try {
        const id = session ? session.id : (await this.ctx.backend.startFromPlan(p.id, name)).id;
        await this.ctx.go({ name: "live", id });
      } catch (err) {
        action.disabled = false;
        this.el.appendChild(h("p", { class: "error", attrs: { role: "alert" } }, (err as Error).message));
      }
    });
    const open = h("button", { class: "btn btn-small", attrs: { type: "button" } }, "Plan");
    open.setAttribute("aria-label", `Plan of ${p.candidate}`);
    open.addEventListener("click", () => void this.ctx.go({ name: "plan", id: p.id }));
    const when = [
      m.member.at ? `at ${shortDate(m.member.at)}` : "not scheduled",
      m.member.due ? `feedback due ${shortDate(m.member.due)}` : null,
    ]
      .filter(Boolean)
      .join(" · ");
    return h(
      "li",
      { class: `my-item${overdue ? " is-overdue" : ""}`, dataset: { plan: p.id, state: m.state } },
      h(
        "div",
        { class: "my-what" },
        h("strong", { class: "my-candidate" }, p.candidate),
        p.role ? h("span", { class: "my-role" }, p.role) : null,
        h("span", { class: "my-when" }, when),
        h("span", { class: `badge state-${m.state}` }, overdue ? "Feedback overdue" : stateLabel(m.state)),
      ),
      h("div", { class: "my-actions" }, open, m.state === "submitted" ? null : action),
    );
  }
}
