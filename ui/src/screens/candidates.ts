// Candidates: everyone who sat one kit, side by side (competency averages,
// overall, recommendations). Click a column header to sort by it (the core's
// order); click it again to reverse.
import type { Ctx, Screen } from "../app";
import type { CandidateComparison } from "../bindings/CandidateComparison";
import type { CandidateRow } from "../bindings/CandidateRow";
import { clear, field, h } from "../dom";
import { recommendationLabel } from "../format";
import { nextSort, num, type SortDir } from "../panel";
import { topBar } from "../widgets";
import "../styles/panels.css";
import { backButton } from "./bank";

function sortHeader(
  label: string,
  key: string,
  sort: { key: string; dir: SortDir },
  onSort: (key: string) => void,
  numeric = true,
) {
  const active = sort.key === key;
  const btn = h(
    "button",
    { class: "sort", attrs: { type: "button", "aria-label": `Sort by ${label}` }, dataset: { sort: key } },
    label,
    h(
      "span",
      { class: "sort-mark", attrs: { "aria-hidden": "true" } },
      active ? (sort.dir === "asc" ? " ▲" : " ▼") : "",
    ),
  );
  btn.addEventListener("click", () => onSort(key));
  return h(
    "th",
    {
      class: numeric ? "num" : "",
      attrs: { scope: "col", "aria-sort": active ? (sort.dir === "asc" ? "ascending" : "descending") : "none" },
    },
    btn,
  );
}

export function candidatesTable(
  ctx: Ctx,
  cmp: CandidateComparison,
  rows: CandidateRow[],
  sort: { key: string; dir: SortDir },
  onSort: (key: string) => void,
): HTMLTableElement {
  return h(
    "table",
    { class: "matrix cand-table" },
    h(
      "thead",
      {},
      h(
        "tr",
        {},
        sortHeader("Candidate", "name", sort, onSort, false),
        h("th", { class: "num", attrs: { scope: "col" } }, "Sessions"),
        ...cmp.competencies.map(([id, name]) => sortHeader(name, id, sort, onSort)),
        sortHeader("Overall", "overall", sort, onSort),
        h("th", { attrs: { scope: "col" } }, "Recommendations"),
      ),
    ),
    h(
      "tbody",
      {},
      ...rows.map((r) => {
        const open = h(
          "button",
          { class: "link cand-link", attrs: { type: "button", "aria-label": `Compare ${r.candidate}` } },
          r.candidate,
        );
        open.addEventListener("click", () => void ctx.go({ name: "compare", candidate: r.candidate }));
        return h(
          "tr",
          { dataset: { candidate: r.candidate } },
          h("th", { attrs: { scope: "row" } }, open),
          h("td", { class: "num" }, String(r.sessions)),
          ...cmp.competencies.map(([id]) => h("td", { class: "num" }, num(r.competencies[id] ?? null))),
          h("td", { class: "num overall" }, num(r.overall)),
          h(
            "td",
            { class: "small recs-cell" },
            ...r.recommendations.map(([who, rec]) =>
              h("span", { class: "rec-line" }, `${who}: ${recommendationLabel(rec)}`),
            ),
          ),
        );
      }),
    ),
  );
}

export function candidatesScreen(ctx: Ctx, kit?: string): Screen {
  const back = backButton(ctx, "Back to interviews", { name: "home" });
  const kitSelect = h("select", {});
  const result = h("div", { class: "cand-result" });
  const body = h("main", { class: "content candidates panels-wide" }, field("Kit", kitSelect), result);
  const el = h("div", { class: "screen screen-candidates" }, topBar("Compare candidates", back, []), body);

  let sort: { key: string; dir: SortDir } = { key: "overall", dir: "desc" };
  let seq = 0;

  const load = async (focusSort = false) => {
    const mine = ++seq;
    const k = kitSelect.value;
    if (!k) return;
    const key = sort.key;
    try {
      const cmp = await ctx.backend.compareCandidates(k, key);
      if (mine !== seq) return;
      last = cmp;
      lastKey = key;
      render(cmp, focusSort);
    } catch (err) {
      if (mine !== seq) return;
      clear(result);
      result.appendChild(
        h("p", { class: "error", attrs: { role: "alert" } }, `Cannot compare candidates: ${(err as Error).message}`),
      );
    }
  };

  // The last result and the key the core sorted it by: reversing needs no call.
  let last: CandidateComparison | null = null;
  let lastKey = "";
  const onSort = (key: string) => {
    const next = nextSort(sort, key);
    sort = { key: next.key, dir: next.dir };
    if (last && lastKey === next.key) render(last, true);
    else void load(true);
  };

  function render(cmp: CandidateComparison, focusSort: boolean) {
    const natural = sort.key === "name" ? "asc" : "desc";
    const rows = sort.dir === natural ? cmp.rows : [...cmp.rows].reverse();
    clear(result);
    if (cmp.sealed_candidates) {
      const n = cmp.sealed_candidates;
      result.appendChild(
        h(
          "p",
          { class: "banner" },
          `${n} candidate${n === 1 ? " is" : "s are"} left out until you submit your own interview.`,
        ),
      );
    }
    if (!cmp.rows.length) {
      result.appendChild(h("p", { class: "empty" }, "No submitted interviews with this kit yet."));
      return;
    }
    result.appendChild(
      h(
        "div",
        { class: "table-scroll", attrs: { tabindex: 0, role: "region", "aria-label": "Candidates" } },
        candidatesTable(ctx, cmp, rows, sort, onSort),
      ),
    );
    result.appendChild(
      h(
        "p",
        { class: "hint" },
        `Averages of every visible score${cmp.scale ? `, ${cmp.scale.min}–${cmp.scale.max}` : ""}. Click a header to sort.`,
      ),
    );
    if (focusSort)
      [...result.querySelectorAll<HTMLElement>("button.sort")].find((b) => b.dataset.sort === sort.key)?.focus();
  }

  kitSelect.addEventListener("change", () => {
    sort = { key: "overall", dir: "desc" };
    void load();
  });

  void (async () => {
    try {
      const bank = await ctx.bank();
      for (const k of bank.kits) kitSelect.appendChild(h("option", { attrs: { value: k.id } }, k.name));
      if (kit && bank.kits.some((k) => k.id === kit)) kitSelect.value = kit;
      if (!bank.kits.length) result.appendChild(h("p", { class: "empty" }, "There are no kits."));
      await load();
    } catch (err) {
      result.appendChild(
        h("p", { class: "error", attrs: { role: "alert" } }, `Cannot load kits: ${(err as Error).message}`),
      );
    }
  })();

  return { el, title: "Compare candidates – Panelist", shown: () => kitSelect.focus() };
}
