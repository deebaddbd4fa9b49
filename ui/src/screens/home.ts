// Home: "My interviews" (planned, home/myInterviews.ts), the sessions list
// with search and filters, "New interview", Plans, and the
// panel entry points: "Import sessions…" (session and plan files, or files
// dropped on the window; home/importView.ts), Candidates, Calibration, and
// each session's candidate panel.
import type { Ctx, Route, Screen } from "../app";
import { h } from "../dom";
import { topBar } from "../widgets";
import "../styles/home.css";
import "../styles/plans.css";
import { syncIndicator } from "../sync";
import { importFlow } from "./home/importView";
import { MyInterviews } from "./home/myInterviews";
import { SessionList } from "./home/sessionList";

export * from "./home/model";
export * from "./home/importView";

export function homeScreen(ctx: Ctx, dropped?: string[]): Screen {
  const list = new SessionList(ctx);
  const mine = new MyInterviews(ctx);
  const importBtn = h("button", { class: "btn btn-small", attrs: { type: "button" } }, "Import sessions…");
  const importArea = h("div", { class: "import-area", attrs: { "aria-live": "polite" } });
  const runImport = importFlow(ctx, importBtn, importArea, () => list.load());
  importBtn.addEventListener("click", () => void runImport());
  const newBtn = h("button", { class: "btn btn-primary", attrs: { type: "button" } }, "New interview");
  newBtn.addEventListener("click", () => void ctx.go({ name: "new" }));
  const nav = (label: string, route: Route) => {
    const b = h("button", { class: "btn btn-small", attrs: { type: "button" } }, label);
    b.addEventListener("click", () => void ctx.go(route));
    return b;
  };
  const panelBar = h(
    "nav",
    { class: "subnav", attrs: { "aria-label": "Panels" } },
    importBtn,
    nav("Candidates", { name: "candidates" }),
    nav("Calibration", { name: "calibration" }),
    nav("Plans", { name: "plans" }),
    nav("Bank", { name: "bank" }),
    nav("Team", { name: "team" }),
    nav("Settings", { name: "settings" }),
  );
  const sync = syncIndicator(ctx.backend);
  const el = h(
    "div",
    { class: "screen screen-home" },
    topBar("Interviews", null, [sync.el, newBtn]),
    panelBar,
    h("main", { class: "content" }, importArea, mine.el, list.filters, list.pager, list.list),
  );
  void list.load();
  void mine.load();
  if (dropped?.length) void runImport(dropped);
  return {
    el,
    title: "Panelist",
    shown: () => list.search.focus(),
    leave: async () => {
      list.dispose();
      sync.dispose();
    },
  };
}
