// Home: the sessions list with search and filters, and "New interview".
import type { Ctx, Screen } from "../app";
import type { SessionSummary } from "../bindings/SessionSummary";
import type { Status } from "../bindings/Status";
import { clear, field, h } from "../dom";
import { recommendationLabel, shortDate, statusLabel } from "../format";
import { topBar } from "../widgets";

export type DateRange = "" | "today" | "7d" | "30d";

/** Client-side status and date filters (text search is done by the core). */
export function filterSummaries(
  rows: SessionSummary[],
  status: Status | "",
  range: DateRange,
  nowMs: number,
): SessionSummary[] {
  const startOfToday = new Date(nowMs);
  startOfToday.setHours(0, 0, 0, 0);
  const since =
    range === "today"
      ? startOfToday.getTime()
      : range === "7d"
        ? nowMs - 7 * 86400_000
        : range === "30d"
          ? nowMs - 30 * 86400_000
          : -Infinity;
  return rows.filter((r) => {
    if (status && r.status !== status) return false;
    const t = Date.parse(r.started_at ?? r.created_at);
    return Number.isNaN(t) ? range === "" : t >= since;
  });
}

export function homeScreen(ctx: Ctx): Screen {
  const search = h("input", {
    attrs: { type: "search", placeholder: "Candidate, interviewer or role", autocomplete: "off" },
  });
  const status = h(
    "select",
    {},
    h("option", { attrs: { value: "" } }, "Any status"),
    h("option", { attrs: { value: "in_progress" } }, "In progress"),
    h("option", { attrs: { value: "submitted" } }, "Submitted"),
    h("option", { attrs: { value: "draft" } }, "Draft"),
  );
  const range = h(
    "select",
    {},
    h("option", { attrs: { value: "" } }, "Any date"),
    h("option", { attrs: { value: "today" } }, "Today"),
    h("option", { attrs: { value: "7d" } }, "Last 7 days"),
    h("option", { attrs: { value: "30d" } }, "Last 30 days"),
  );
  const list = h("ul", { class: "session-list", attrs: { "aria-label": "Interviews" } });
  const count = h("p", { class: "hint", attrs: { "aria-live": "polite" } });
  const newBtn = h("button", { class: "btn btn-primary", attrs: { type: "button" } }, "New interview");
  newBtn.addEventListener("click", () => void ctx.go({ name: "new" }));

  let rows: SessionSummary[] = [];
  let seq = 0;

  const render = () => {
    const shown = filterSummaries(rows, status.value as Status | "", range.value as DateRange, Date.now());
    clear(list);
    count.textContent =
      rows.length === 0 ? "" : `${shown.length} of ${rows.length} interview${rows.length === 1 ? "" : "s"}`;
    if (shown.length === 0) {
      list.appendChild(
        h(
          "li",
          { class: "empty" },
          rows.length === 0 && !search.value ? "No interviews yet. Start one with “New interview”." : "Nothing matches.",
        ),
      );
      return;
    }
    for (const r of shown) {
      const target = r.status === "submitted" ? "summary" : "live";
      const open = h(
        "button",
        { class: "session-row", attrs: { type: "button" } },
        h("span", { class: "row-main" }, h("strong", {}, r.candidate), r.role ? ` · ${r.role}` : ""),
        h(
          "span",
          { class: "row-meta" },
          `${shortDate(r.started_at ?? r.created_at)} · ${r.interviewer} · ${r.scored}/${r.questions} scored`,
        ),
        h(
          "span",
          { class: `badge badge-${r.status}` },
          r.status === "submitted" ? `Submitted · ${recommendationLabel(r.recommendation)}` : statusLabel(r.status),
        ),
      );
      open.setAttribute(
        "aria-label",
        `${r.candidate}${r.role ? `, ${r.role}` : ""}, ${statusLabel(r.status)}, ${shortDate(r.started_at ?? r.created_at)}`,
      );
      open.addEventListener("click", () => void ctx.go({ name: target, id: r.id }));
      list.appendChild(h("li", {}, open));
    }
  };

  const load = async () => {
    const mine = ++seq;
    try {
      const text = search.value.trim();
      const got = await ctx.backend.listSessions({ text: text || null, candidate: null });
      if (mine === seq) {
        rows = got;
        render();
      }
    } catch (err) {
      clear(list);
      list.appendChild(h("li", { class: "error", attrs: { role: "alert" } }, `Cannot load interviews: ${String((err as Error).message ?? err)}`));
    }
  };

  let debounce: ReturnType<typeof setTimeout> | undefined;
  search.addEventListener("input", () => {
    clearTimeout(debounce);
    debounce = setTimeout(() => void load(), 150);
  });
  status.addEventListener("change", render);
  range.addEventListener("change", render);

  const filters = h(
    "div",
    { class: "filters" },
    field("Search", search),
    h("div", { class: "row" }, field("Status", status), field("Date", range)),
  );
  const el = h(
    "div",
    { class: "screen screen-home" },
    topBar("Interviews", null, [newBtn]),
    h("main", { class: "content" }, filters, count, list),
  );
  void load();
  return {
    el,
    title: "Panelist",
    shown: () => search.focus(),
    leave: async () => clearTimeout(debounce),
  };
}
