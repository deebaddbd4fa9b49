// The candidate view's frame: the top bar with the candidate's name and the
// Compare / Report tabs (two screens, one route each).
import type { Ctx } from "../app";
import { h } from "../dom";
import { topBar } from "../widgets";

export type CandidateTab = "compare" | "report";

export function candidateHeader(ctx: Ctx, candidate: string, current: CandidateTab): HTMLElement[] {
  const back = h(
    "button",
    { class: "btn btn-ghost", attrs: { type: "button", "aria-label": "Back to interviews" } },
    "‹",
  );
  back.addEventListener("click", () => void ctx.go({ name: "home" }));
  const tab = (name: CandidateTab, label: string) => {
    const b = h(
      "button",
      {
        class: `tab${name === current ? " tab-current" : ""}`,
        attrs: { type: "button", "aria-current": name === current ? "page" : null },
      },
      label,
    );
    b.addEventListener("click", () => {
      if (name !== current) void ctx.go({ name, candidate });
    });
    return b;
  };
  const nav = h(
    "nav",
    { class: "tabs", attrs: { "aria-label": `Panel for ${candidate}` } },
    tab("compare", "Compare"),
    tab("report", "Report"),
  );
  return [topBar(candidate, back, []), nav];
}
