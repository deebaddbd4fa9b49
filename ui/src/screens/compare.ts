// Compare: one candidate's panel. While your own interview for the candidate
// is not submitted, the others' sessions stay sealed and only their number is
// shown. Once open: the question × interviewer matrix with each row's mean,
// SD and spread, flagged and uncovered rows, notes side by side, competency
// averages with a chart (one series per interviewer) and each interviewer's
// overall score and the panel's, and recommendations. A candidate with an
// interview plan also gets the plan (sealed or not): who has not submitted
// yet, each planned interviewer's round, focus and state, and the coverage.
import type { Ctx, Screen } from "../app";
import type { Comparison } from "../bindings/Comparison";
import type { PanelColumn } from "../bindings/PanelColumn";
import type { QuestionRow } from "../bindings/QuestionRow";
import type { Spread } from "../bindings/Spread";
import type { PlanDebrief } from "../bindings/PlanDebrief";
import { barChart, fitChart } from "../chart";
import { clear, h } from "../dom";
import { recommendationLabel, shortDate, statusLabel } from "../format";
import { cellText, comparisonCounts, debriefText, num, recommendationTally, spreadParts, spreadText } from "../panel";
import "../styles/panels.css";
import { candidateHeader } from "./candidate";
import { coverageTable } from "./plan";
import { stateLabel } from "./planModel";

/** Indices of the columns whose scores are visible. */
function visibleColumns(c: Comparison): number[] {
  return c.columns.map((_, i) => i).filter((i) => !c.columns[i]!.sealed);
}

function who(col: PanelColumn): string {
  return col.imported ? col.interviewer : `${col.interviewer} (you)`;
}

/** The sealed state: how many sessions arrived, and that yours unlocks them. */
export function sealedView(ctx: Ctx, c: Comparison): HTMLElement {
  const n = c.sealed_sessions;
  const own = c.columns.find((x) => !x.imported && x.status !== "submitted");
  const card = h(
    "section",
    { class: "card sealed-card", attrs: { "aria-labelledby": "sealed-title" } },
    h("h2", { id: "sealed-title" }, "Scores are sealed"),
    h(
      "p",
      { class: "sealed-count" },
      n === 0
        ? "No other interviewer’s session has arrived yet."
        : `${n} session${n === 1 ? "" : "s"} from other interviewers ${n === 1 ? "has" : "have"} arrived.`,
    ),
    h(
      "p",
      {},
      n === 0
        ? "Sessions you import stay sealed until you submit your own interview for this candidate."
        : `${n === 1 ? "It unlocks" : "They unlock"} when you submit your own interview for this candidate, so that your scores stay independent.`,
    ),
  );
  if (own) {
    const go = h("button", { class: "btn btn-primary", attrs: { type: "button" } }, "Continue your interview");
    go.addEventListener("click", () => void ctx.go({ name: "live", id: own.session_id }));
    card.appendChild(go);
  }
  return card;
}

function statsCell(s: Spread): HTMLTableCellElement {
  const p = spreadParts(s);
  return h(
    "td",
    { class: "stats", attrs: { "aria-label": spreadText(s) } },
    h("span", {}, `mean ${p.mean}`),
    h("span", {}, `SD ${p.sd}`),
    h("span", {}, `spread ${p.spread}`),
  );
}

function questionRows(c: Comparison, cols: number[], q: QuestionRow): HTMLTableRowElement[] {
  const marks: (HTMLElement | null)[] = [
    q.stats.flagged
      ? h(
          "span",
          { class: "mark mark-flag", attrs: { title: "Scores differ by 2 or more levels" } },
          "⚑ 2+ levels apart",
        )
      : null,
    q.uncovered ? h("span", { class: "mark mark-uncovered" }, "Not covered") : null,
  ];
  const tr = h(
    "tr",
    {
      class: [q.stats.flagged ? "flagged" : "", q.uncovered ? "uncovered" : ""].join(" ").trim(),
      dataset: { question: q.question_id },
    },
    h(
      "th",
      { class: "q", attrs: { scope: "row" } },
      h("span", { class: "q-text", attrs: { title: q.prompt } }, q.prompt),
      h("span", { class: "q-comp" }, q.competency_name),
      ...marks,
    ),
    ...cols.map((i) => {
      const cell = q.cells[i] ?? null;
      const d = debriefText(cell);
      const level = cell?.level ?? null;
      return h(
        "td",
        { class: `cell${level === null ? " cell-none" : ""}`, dataset: level === null ? {} : { level: String(level) } },
        level !== null ? h("strong", { class: "lvl" }, String(level)) : null,
        level !== null && cell?.label ? h("span", { class: "lbl" }, cell.label) : null,
        level === null ? h("span", { class: "lbl" }, cellText(cell)) : null,
        d ? h("span", { class: "was", attrs: { title: d.title } }, d.short) : null,
      );
    }),
    statsCell(q.stats),
  );
  const rows = [tr];
  const withNotes = cols.filter((i) => {
    const cell = q.cells[i];
    return cell && (cell.notes.trim() !== "" || cell.debrief);
  });
  if (withNotes.length) {
    const grid = h(
      "div",
      { class: "notes-grid" },
      ...cols.map((i) => {
        const cell = q.cells[i] ?? null;
        const d = debriefText(cell);
        return h(
          "section",
          { class: "note-col" },
          h("h3", {}, c.columns[i]!.interviewer),
          cell && cell.notes.trim()
            ? h("p", { class: "prewrap" }, cell.notes)
            : h("p", { class: "hint" }, cell ? "No notes." : "Not asked."),
          d ? h("p", { class: "hint" }, d.title) : null,
        );
      }),
    );
    const details = h(
      "details",
      { class: "q-notes" },
      h("summary", {}, `Notes (${withNotes.length} of ${cols.length})`),
      grid,
    );
    rows.push(h("tr", { class: "notes-row" }, h("td", { attrs: { colspan: cols.length + 2 } }, details)));
  }
  return rows;
}

function scroller(label: string, table: HTMLTableElement): HTMLElement {
  return h("div", { class: "table-scroll", attrs: { tabindex: 0, role: "region", "aria-label": label } }, table);
}

/** A matrix's header: `first`, one column per shown interviewer (of
 * class `colClass`), then the row's statistics. */
function matrixHead(c: Comparison, cols: number[], first: string, colClass: string, rowTitle: string | null) {
  return h(
    "thead",
    {},
    h(
      "tr",
      {},
      h("th", { attrs: { scope: "col" } }, first),
      ...cols.map((i) => h("th", { class: colClass, attrs: { scope: "col" } }, who(c.columns[i]!))),
      h("th", { attrs: { scope: "col", title: rowTitle } }, "Row"),
    ),
  );
}

export function matrixTable(c: Comparison): HTMLTableElement {
  const cols = visibleColumns(c);
  return h(
    "table",
    { class: "matrix q-matrix" },
    matrixHead(c, cols, "Question", "", "Mean, standard deviation and spread (highest − lowest)"),
    h("tbody", {}, ...c.questions.flatMap((q) => questionRows(c, cols, q))),
  );
}

export function competencyTable(c: Comparison): HTMLTableElement {
  const cols = visibleColumns(c);
  return h(
    "table",
    { class: "matrix comp-table" },
    matrixHead(c, cols, "Competency", "num", null),
    h(
      "tbody",
      {},
      ...c.competencies.map((row) =>
        h(
          "tr",
          { class: row.stats.flagged ? "flagged" : "" },
          h(
            "th",
            { class: "q", attrs: { scope: "row" } },
            h("span", { class: "q-text" }, row.name),
            row.stats.flagged ? h("span", { class: "mark mark-flag" }, "⚑ 2+ levels apart") : null,
          ),
          ...cols.map((i) => h("td", { class: "cell num" }, num(row.averages[i] ?? null))),
          statsCell(row.stats),
        ),
      ),
      overallRow(c, cols),
    ),
  );
}

/** The competency table's last row: each interviewer's overall score, and the panel's as the row's mean. */
function overallRow(c: Comparison, cols: number[]): HTMLTableRowElement {
  const o = c.overall;
  return h(
    "tr",
    { class: `overall${o.stats.flagged ? " flagged" : ""}` },
    h(
      "th",
      { class: "q", attrs: { scope: "row" } },
      h("span", { class: "q-text" }, "Overall"),
      o.stats.flagged ? h("span", { class: "mark mark-flag" }, "⚑ 2+ levels apart") : null,
    ),
    ...cols.map((i) => h("td", { class: "cell num" }, num(o.averages[i] ?? null))),
    statsCell(o.stats),
  );
}

/** How the overall score is computed (the core's rule, `stats::overall`). */
export const OVERALL_HINT =
  "Overall: the mean of the levels each interviewer gave, every scored question counting once (skipped and unscored left out); the panel's overall is the mean of the interviewers'.";

/** Average per competency with one bar series per interviewer (the shared
 * chart), then each interviewer's overall score and the panel's. */
export function panelChart(c: Comparison, width?: number): SVGSVGElement {
  const cols = visibleColumns(c);
  return barChart({
    title: "Average score per competency and interviewer, and overall",
    className: "panel-chart",
    scale: c.scale,
    series: cols.map((i) => c.columns[i]!.interviewer),
    groups: [
      ...c.competencies.map((row) => ({
        label: row.name,
        bars: cols.map((i) => ({ value: row.averages[i] ?? null })),
      })),
      {
        label: "Overall",
        bars: cols.map((i) => ({ value: c.overall.averages[i] ?? null })),
        total: { label: "Panel", value: c.overall.stats.mean },
      },
    ],
    empty: "no score",
    width,
  });
}

/** "Bea Brown (round 2, overdue, due 12 Dec 2026, 17:00)", for the waiting line. */
function waitingText(m: PlanDebrief["members"][number]): string {
  const about = [`round ${m.round}`, stateLabel(m.state).toLowerCase()];
  if (m.due) about.push(`due ${shortDate(m.due)}`);
  return `${m.interviewer} (${about.join(", ")})`;
}

/** The candidate's interview plan: who has not submitted yet, each planned
 * interviewer's round, focus and state, and the coverage. States only: it
 * shows nothing of a sealed session. */
export function planView(p: PlanDebrief): HTMLElement {
  const waiting = p.members.filter((m) => m.state !== "submitted");
  const head = [
    p.role ? `Role: ${p.role}` : "",
    p.coordinator ? `coordinated by ${p.coordinator}` : "",
    `${p.rounds} round${p.rounds === 1 ? "" : "s"}`,
    `${p.submitted} of ${p.members.length} submitted`,
  ].filter(Boolean);
  const members = h(
    "table",
    { class: "matrix plan-members" },
    h(
      "thead",
      {},
      h(
        "tr",
        {},
        ...["Round", "Interviewer", "Kit", "Focus", "Feedback due", "State"].map((t) =>
          h("th", { attrs: { scope: "col" } }, t),
        ),
      ),
    ),
    h(
      "tbody",
      {},
      ...p.members.map((m) =>
        h(
          "tr",
          { dataset: { state: m.state } },
          h("td", { class: "num" }, String(m.round)),
          h("th", { attrs: { scope: "row" } }, m.interviewer),
          h("td", {}, m.kit ?? "—"),
          h("td", {}, m.focus.length ? m.focus.join(", ") : "—"),
          h("td", {}, m.due ? shortDate(m.due) : "—"),
          h("td", { class: `state state-${m.state}` }, stateLabel(m.state)),
        ),
      ),
    ),
  );
  return h(
    "section",
    { class: "card compare-plan", attrs: { "aria-labelledby": "plan-title" } },
    h("h2", { id: "plan-title" }, "Interview plan"),
    h("p", { class: "hint" }, `${head.join(" · ")}.`),
    h(
      "p",
      { class: "plan-waiting" },
      h(
        "strong",
        {},
        p.members.length === 0
          ? "No interviewer is planned yet."
          : waiting.length
            ? `Waiting for: ${waiting.map(waitingText).join(", ")}.`
            : "Everyone in the plan has submitted.",
      ),
    ),
    scroller("Planned interviewers", members),
    coverageTable(p.coverage),
  );
}

function recommendations(c: Comparison): HTMLElement {
  return h(
    "div",
    { class: "rec-grid" },
    ...visibleColumns(c).map((i) => {
      const col = c.columns[i]!;
      return h(
        "article",
        { class: "card rec-card" },
        h("h3", {}, who(col)),
        h(
          "p",
          { class: "q-meta" },
          [col.role, statusLabel(col.status), col.imported ? "imported" : ""].filter(Boolean).join(" · "),
        ),
        h(
          "p",
          {},
          h(
            "span",
            { class: `score-pill rec-${col.recommendation ?? "none-given"}` },
            recommendationLabel(col.recommendation),
          ),
        ),
        col.summary.trim() ? h("p", { class: "prewrap small" }, col.summary) : null,
        col.red_flags.length ? h("ul", { class: "flags" }, ...col.red_flags.map((f) => h("li", {}, f))) : null,
      );
    }),
  );
}

/** "Yes 2 · No 1": the committee's first question. */
function tallyView(c: Comparison): HTMLElement {
  return h(
    "ul",
    { class: "rec-tally", attrs: { "aria-label": "Recommendations tally" } },
    ...recommendationTally(c).map((t) =>
      h(
        "li",
        { dataset: { rec: t.rec ?? "none-given" } },
        h("span", { class: `score-pill rec-${t.rec ?? "none-given"}` }, recommendationLabel(t.rec)),
        ` ${t.count}`,
      ),
    ),
  );
}

/** The questions whose scores are 2+ levels apart, each with its scores. */
function flaggedView(c: Comparison): HTMLElement {
  const cols = visibleColumns(c);
  const flagged = c.questions.filter((q) => q.stats.flagged);
  if (!flagged.length) return h("p", { class: "hint flagged-none" }, "No question has scores 2 or more levels apart.");
  return h(
    "ul",
    { class: "flagged-list" },
    ...flagged.map((q) =>
      h(
        "li",
        { dataset: { question: q.question_id } },
        h("strong", { class: "q-text" }, q.prompt),
        h(
          "span",
          { class: "flagged-scores" },
          cols
            .filter((i) => q.cells[i]?.level != null)
            .map((i) => `${c.columns[i]!.interviewer} ${q.cells[i]!.level}`)
            .join(" · "),
        ),
      ),
    ),
  );
}

/** The open comparison (nothing sealed): decisions first, then the detail. */
export function openView(c: Comparison): HTMLElement {
  const counts = comparisonCounts(c);
  const frag = h("div", { class: "compare-open" });
  frag.appendChild(
    h(
      "p",
      { class: "compare-counts" },
      `${counts.interviewers} interviewer${counts.interviewers === 1 ? "" : "s"} · `,
      h("span", { class: counts.flagged ? "count-flag" : "" }, `${counts.flagged} flagged`),
      ` · ${counts.uncovered} not covered`,
      c.scale ? ` · scale ${c.scale.min}–${c.scale.max}` : "",
    ),
  );
  frag.appendChild(
    h(
      "section",
      { class: "compare-decision", attrs: { "aria-labelledby": "recs-title" } },
      h("h2", { id: "recs-title" }, "Recommendations"),
      tallyView(c),
      recommendations(c),
    ),
  );
  frag.appendChild(
    h(
      "section",
      { class: "compare-flagged", attrs: { "aria-labelledby": "flagged-title" } },
      h("h2", { id: "flagged-title" }, "Flagged questions"),
      flaggedView(c),
    ),
  );
  frag.appendChild(
    h(
      "section",
      { attrs: { "aria-labelledby": "matrix-title" } },
      h("h2", { id: "matrix-title" }, "Questions × interviewers"),
      h(
        "p",
        { class: "hint" },
        "⚑ marks rows whose scores are 2 or more levels apart. Spread is the highest score minus the lowest; SD and spread need two scores.",
      ),
      scroller("Question matrix", matrixTable(c)),
    ),
  );
  frag.appendChild(
    h(
      "section",
      { attrs: { "aria-labelledby": "comp-title" } },
      h("h2", { id: "comp-title" }, "Competencies"),
      h(
        "div",
        { class: "card chart-card" },
        fitChart((w) => panelChart(c, w)),
      ),
      scroller("Competency averages", competencyTable(c)),
      h("p", { class: "hint overall-hint" }, OVERALL_HINT),
    ),
  );
  return frag;
}

export function compareScreen(ctx: Ctx, candidate: string): Screen {
  const body = h("main", { class: "content compare panels-wide" });
  const el = h("div", { class: "screen screen-compare" }, ...candidateHeader(ctx, candidate, "compare"), body);

  void (async () => {
    try {
      const c = await ctx.backend.compareCandidate(candidate);
      clear(body);
      body.dataset.sealed = String(c.sealed);
      // The plan first: who the debrief still waits for.
      if (c.plan) body.appendChild(planView(c.plan));
      body.appendChild(c.sealed ? sealedView(ctx, c) : openView(c));
    } catch (err) {
      clear(body);
      body.appendChild(
        h("p", { class: "error", attrs: { role: "alert" } }, `Cannot compare: ${(err as Error).message}`),
      );
    }
  })();

  return {
    el,
    title: `${candidate} – compare – Panelist`,
    shown: () => (el.querySelector(".topbar-title") as HTMLElement | null)?.focus(),
  };
}
