// The first start: what Panelist's three ideas are (kits, drafts, panels)
// and where to begin. Shown on Home while there are no interviews at all.
import type { Ctx, Route } from "../../app";
import { h } from "../../dom";

const IDEAS: [string, string][] = [
  [
    "Kits",
    "A kit is a set of questions from the bank, each with a rubric of anchored levels, look-fors and follow-ups. Pick one when you start an interview, or make your own under Bank, Kits.",
  ],
  [
    "Drafts",
    "Prepare an interview before the call as a draft: the candidate, the kit and the questions are ready, and the clock starts only when you press Start. Everything you type is saved as you type it.",
  ],
  [
    "Panels",
    "Each interviewer scores on their own first: colleagues' scores stay sealed until you submit yours. Then Panel puts everyone's scorecards side by side and shows where you disagree. Scorecards travel as signed files (Import) or through a team server.",
  ],
];

export function welcomeCard(ctx: Ctx): HTMLElement {
  const go = (label: string, route: Route, primary = false) => {
    const b = h("button", { class: primary ? "btn btn-primary" : "btn", attrs: { type: "button" } }, label);
    b.addEventListener("click", () => void ctx.go(route));
    return b;
  };
  return h(
    "section",
    { class: "card welcome", attrs: { "aria-labelledby": "welcome-title" } },
    h("h2", { id: "welcome-title" }, "Welcome to Panelist"),
    h("p", {}, "Score interviews against a rubric while you talk, then bring a panel's scorecards together."),
    ...IDEAS.map(([title, text]) => h("div", { class: "welcome-idea" }, h("h3", {}, title), h("p", {}, text))),
    h(
      "div",
      { class: "welcome-actions" },
      go("New interview", { name: "new" }, true),
      go("Your name and settings", { name: "settings" }),
      go("Question bank", { name: "bank" }),
    ),
  );
}
