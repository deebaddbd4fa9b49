// Panel screens with the mocked backend: sealed vs open comparison, flag
// marking, the report preview frame, candidate sorting, calibration, import.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { CalibrationView } from "../src/bindings/CalibrationView";
import type { CandidateComparison } from "../src/bindings/CandidateComparison";
import type { Cell } from "../src/bindings/Cell";
import type { Comparison } from "../src/bindings/Comparison";
import type { PanelColumn } from "../src/bindings/PanelColumn";
import type { PlanDebrief } from "../src/bindings/PlanDebrief";
import { barChart, CHART_WIDTH, fitChart } from "../src/chart";
import { BackendError } from "../src/backend";
import { cellText, debriefText, nextSort, num, outcomeText, signed } from "../src/panel";
import { calibrationScreen } from "../src/screens/calibration";
import { candidatesScreen } from "../src/screens/candidates";
import { compareScreen, panelChart } from "../src/screens/compare";
import { homeScreen } from "../src/screens/home";
import { reportScreen } from "../src/screens/report";
import type { ImportedFile } from "../src/types";
import { fakeBackend, fakeCtx, page, session } from "./fixtures";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));
vi.mock("@tauri-apps/api/event", () => ({ listen: vi.fn() }));
vi.mock("@tauri-apps/api/webview", () => ({ getCurrentWebview: vi.fn() }));

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(new Date("2026-11-22T10:00:00Z"));
});
afterEach(() => {
  document.body.replaceChildren();
  vi.useRealTimers();
});

const $ = <T extends Element = HTMLElement>(sel: string) => document.querySelector(sel) as T;
const $$ = (sel: string) => [...document.querySelectorAll(sel)] as HTMLElement[];
const settle = () => vi.advanceTimersByTimeAsync(0);

function column(interviewer: string, extra: Partial<PanelColumn> = {}): PanelColumn {
  return {
    session_id: `s-${interviewer}`,
    interviewer,
    role: "Backend",
    imported: true,
    status: "submitted",
    recommendation: "yes",
    sealed: false,
    summary: "",
    red_flags: [],
    ...extra,
  };
}

function cell(level: number | null, extra: Partial<Cell> = {}): Cell {
  const labels = ["", "Poor", "Mixed", "Good", "Excellent"];
  return { level, label: level === null ? null : labels[level]!, skipped: false, notes: "", debrief: null, ...extra };
}

const spread = (values: number[]) => {
  if (!values.length) return { n: 0, mean: null, sd: null, spread: null, flagged: false };
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const sd = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length);
  const s = Math.max(...values) - Math.min(...values);
  return { n: values.length, mean, sd, spread: s, flagged: s >= 2 };
};

/** Grace (you, submitted) and two imported colleagues; q1 is 2+ apart. */
function openComparison(): Comparison {
  return {
    candidate: "Ada",
    sealed: false,
    sealed_sessions: 0,
    columns: [
      column("Ravi", { recommendation: "no", summary: "Shaky <b>HTTP</b>" }),
      column("Mei", { recommendation: "strong-yes", red_flags: ["Late"] }),
      column("Grace", { imported: false }),
    ],
    questions: [
      {
        question_id: "q1",
        prompt: "<img src=x onerror=alert(1)> REST?",
        competency: "apis",
        competency_name: "APIs",
        cells: [cell(1, { notes: "No idempotency" }), cell(2), cell(4, { notes: "Great" })],
        stats: spread([1, 2, 4]),
        uncovered: false,
      },
      {
        question_id: "q2",
        prompt: "Caching",
        competency: "data",
        competency_name: "Data",
        cells: [cell(3), cell(3, { debrief: { before: 2, reasons: ["Came later, and right"] } }), cell(3)],
        stats: spread([3, 3, 3]),
        uncovered: false,
      },
      {
        question_id: "q3",
        prompt: "Migrations",
        competency: "data",
        competency_name: "Data",
        cells: [cell(null), cell(null, { skipped: true }), null],
        stats: spread([]),
        uncovered: true,
      },
    ],
    competencies: [
      { competency: "apis", name: "APIs", averages: [1, 2, 4], stats: spread([1, 2, 4]) },
      { competency: "data", name: "Data", averages: [3, 3, 3], stats: spread([3, 3, 3]) },
    ],
    scale: { min: 1, max: 4 },
    overall: { averages: [2, 2.5, 3.5], stats: spread([2, 2.5, 3.5]) },
  };
}

/** Your interview is running; two colleagues' sessions are hidden. */
function sealedComparison(n = 2): Comparison {
  const c = openComparison();
  const hidden = (col: PanelColumn): PanelColumn => ({
    ...col,
    sealed: true,
    recommendation: null,
    summary: "",
    red_flags: [],
  });
  return {
    ...c,
    sealed: true,
    sealed_sessions: n,
    columns: [
      hidden(c.columns[0]!),
      hidden(c.columns[1]!),
      { ...c.columns[2]!, status: "in_progress" as const, recommendation: null },
    ].slice(2 - n),
    questions: c.questions.map((q) => ({ ...q, cells: [null, null, q.cells[2] ?? null].slice(2 - n) })),
    overall: { averages: [null, null, 3.5].slice(2 - n), stats: spread([3.5]) },
  };
}

async function mountCompare(c: Comparison) {
  const backend = fakeBackend(session());
  backend.compareCandidate.mockResolvedValue(c);
  const ctx = fakeCtx(backend);
  const screen = compareScreen(ctx, "Ada");
  document.body.appendChild(screen.el);
  await settle();
  return { backend, ctx, screen };
}

describe("panel formatting", () => {
  it("formats numbers, cells, debriefs and import outcomes", () => {
    expect(num(2.3333)).toBe("2.33");
    expect(num(3)).toBe("3");
    expect(num(null)).toBe("—");
    expect(signed(0.4234)).toBe("+0.42");
    expect(signed(-1.1)).toBe("−1.10");
    expect(cellText(cell(3))).toBe("3 Good");
    expect(cellText(cell(null, { skipped: true }))).toBe("Skipped");
    expect(cellText(cell(null))).toBe("Not scored");
    expect(cellText(null)).toBe("Not asked");
    expect(debriefText(cell(3, { debrief: { before: 2, reasons: ["a", "b"] } }))).toEqual({
      short: "was 2",
      title: "Changed in the debrief from 2: a / b",
    });
    expect(debriefText(cell(3))).toBeNull();
    expect(outcomeText({ kind: "added" })).toBe("added");
    expect(outcomeText({ kind: "unchanged" })).toBe("unchanged (already imported)");
    expect(outcomeText({ kind: "replaced", changes: ["score q1 2 → 3", "notes q2"] })).toBe(
      "updated: score q1 2 → 3; notes q2",
    );
    expect(outcomeText({ kind: "kept_newer", stored_revision: 7 })).toContain("kept");
  });

  it("sorts like the core first, then reverses on a second click", () => {
    expect(nextSort({ key: "overall", dir: "desc" }, "name")).toEqual({ key: "name", dir: "asc", reverse: false });
    expect(nextSort({ key: "name", dir: "asc" }, "name")).toEqual({ key: "name", dir: "desc", reverse: true });
    expect(nextSort({ key: "name", dir: "asc" }, "data")).toEqual({ key: "data", dir: "desc", reverse: false });
    expect(nextSort({ key: "data", dir: "desc" }, "data")).toEqual({ key: "data", dir: "asc", reverse: true });
  });
});

describe("compare screen", () => {
  it("opens with the recommendations tally and the flagged questions, before the matrix", async () => {
    await mountCompare(openComparison());
    const headings = $$("main h2").map((x) => x.textContent);
    expect(headings.slice(0, 3)).toEqual(["Recommendations", "Flagged questions", "Questions × interviewers"]);
    expect($$(".rec-tally li").map((x) => x.textContent)).toEqual(["Strong yes 1", "Yes 1", "No 1"]);
    const flagged = $$(".flagged-list li");
    expect(flagged).toHaveLength(1);
    expect(flagged[0]!.textContent).toContain("<img src=x onerror=alert(1)> REST?");
    expect(flagged[0]!.textContent).toContain("Ravi 1 · Mei 2 · Grace 4");
    expect($(".compare-counts").textContent).toContain("scale 1–4");
  });

  it("shows — for SD and spread of a row with one score, not 0", async () => {
    const c = openComparison();
    c.questions[1] = { ...c.questions[1]!, cells: [cell(3), null, null], stats: spread([3]) };
    await mountCompare(c);
    const stats = $("tr[data-question='q2'] td.stats").textContent;
    expect(stats).toContain("SD —");
    expect(stats).toContain("spread —");
    expect(stats).not.toContain("SD 0");
  });

  it("when sealed shows only how many sessions arrived and that submitting unlocks them", async () => {
    const { backend, ctx } = await mountCompare(sealedComparison(2));
    expect(backend.compareCandidate).toHaveBeenCalledWith("Ada");
    expect($(".content").dataset.sealed).toBe("true");
    expect($(".sealed-count").textContent).toBe("2 sessions from other interviewers have arrived.");
    expect($(".sealed-card").textContent).toContain("unlock when you submit your own interview");
    expect($$("table")).toHaveLength(0);
    expect($$("svg")).toHaveLength(0);
    const text = $("main").textContent ?? "";
    for (const hidden of ["Ravi", "Mei", "REST", "Good", "Excellent"]) expect(text).not.toContain(hidden);
    (document.querySelector(".sealed-card button") as HTMLButtonElement).click();
    expect(ctx.go).toHaveBeenCalledWith({ name: "live", id: "s-Grace" });
  });

  it("says so when nothing has arrived yet", async () => {
    await mountCompare(sealedComparison(0));
    expect($(".sealed-count").textContent).toBe("No other interviewer’s session has arrived yet.");
  });

  it("when open shows the matrix with flagged and uncovered rows marked", async () => {
    await mountCompare(openComparison());
    expect($(".content").dataset.sealed).toBe("false");
    const heads = $$(".q-matrix thead th").map((th) => th.textContent);
    expect(heads).toEqual(["Question", "Ravi", "Mei", "Grace (you)", "Row"]);
    const q1 = $("tr[data-question='q1']");
    expect(q1.classList.contains("flagged")).toBe(true);
    expect(q1.querySelector(".mark-flag")?.textContent).toBe("⚑ 2+ levels apart");
    expect([...q1.querySelectorAll("td.cell")].map((td) => (td as HTMLElement).dataset.level)).toEqual(["1", "2", "4"]);
    expect(q1.querySelector("td.cell")?.textContent).toBe("1Poor");
    expect(q1.querySelector("td.stats")?.getAttribute("aria-label")).toBe("mean 2.33 · SD 1.25 · spread 3");
    // Prompts are text, never HTML.
    expect(q1.querySelector("img")).toBeNull();
    expect(q1.querySelector(".q-text")?.textContent).toBe("<img src=x onerror=alert(1)> REST?");
    const q2 = $("tr[data-question='q2']");
    expect(q2.classList.contains("flagged")).toBe(false);
    expect(q2.querySelector(".mark")).toBeNull();
    const was = q2.querySelector(".was") as HTMLElement;
    expect(was.textContent).toBe("was 2");
    expect(was.title).toBe("Changed in the debrief from 2: Came later, and right");
    const q3 = $("tr[data-question='q3']");
    expect(q3.classList.contains("uncovered")).toBe(true);
    expect(q3.querySelector(".mark-uncovered")?.textContent).toBe("Not covered");
    expect([...q3.querySelectorAll("td.cell")].map((td) => td.textContent)).toEqual([
      "Not scored",
      "Skipped",
      "Not asked",
    ]);
    expect($$(".q-matrix tr.flagged")).toHaveLength(1);
    expect($(".compare-counts").textContent).toBe("3 interviewers · 1 flagged · 1 not covered · scale 1–4");
  });

  it("puts notes side by side in an expandable row", async () => {
    await mountCompare(openComparison());
    const details = $$("details.q-notes");
    expect(details).toHaveLength(2); // q1 has notes, q2 a debrief change
    expect(details[0]!.querySelector("summary")?.textContent).toBe("Notes (2 of 3)");
    expect((details[0] as HTMLDetailsElement).open).toBe(false);
    const cols = [...details[0]!.querySelectorAll(".note-col")].map((n) => n.textContent);
    expect(cols).toEqual(["RaviNo idempotency", "MeiNo notes.", "GraceGreat"]);
  });

  it("shows competency averages, recommendations and a chart with one series per interviewer", async () => {
    await mountCompare(openComparison());
    const comp = $$(".comp-table tbody tr");
    expect(comp[0]!.classList.contains("flagged")).toBe(true);
    expect([...comp[1]!.querySelectorAll("td.num")].map((td) => td.textContent)).toEqual(["3", "3", "3"]);
    const recs = $$(".rec-card");
    expect(recs.map((r) => r.querySelector(".score-pill")?.textContent)).toEqual(["No", "Strong yes", "Yes"]);
    expect(recs[0]!.textContent).toContain("Shaky <b>HTTP</b>");
    expect(recs[0]!.querySelector("b")).toBeNull();
    const svg = $("svg.panel-chart");
    expect(svg.namespaceURI).toBe("http://www.w3.org/2000/svg");
    expect($$(".panel-chart .legend").map((t) => t.textContent)).toEqual(["Ravi", "Mei", "Grace"]);
    // Two competencies and the Overall group (issue 21: an overall score per interviewer).
    for (const k of [0, 1, 2]) expect(svg.querySelectorAll(`rect.bar.series-${k}`)).toHaveLength(3);
  });

  it("draws bars to scale and says when an interviewer has no score", () => {
    const c = openComparison();
    c.competencies[1]!.averages = [3, null, 3];
    const svg = panelChart(c);
    const bars = [...svg.querySelectorAll("rect.bar")];
    // 5 competency bars, then the Overall group: 3 interviewers and the panel (issue 21).
    expect(bars).toHaveLength(9);
    expect(svg.textContent).toContain("Mei: no score");
    expect(svg.getAttribute("aria-label")).toContain("APIs: Ravi 1, Mei 2, Grace 4");
  });

  it("shows an error when the comparison cannot be loaded", async () => {
    const backend = fakeBackend(session());
    backend.compareCandidate.mockRejectedValue(new BackendError("not_found", 'no sessions for candidate "Zed"'));
    const screen = compareScreen(fakeCtx(backend), "Zed");
    document.body.appendChild(screen.el);
    await settle();
    expect($("[role=alert]").textContent).toContain("no sessions for candidate");
  });
});

/** Ravi submitted (round 1); Mei is overdue and Bea has not started (round 2). */
function plan(): PlanDebrief {
  const m = (
    interviewer: string,
    round: number,
    state: PlanDebrief["members"][number]["state"],
    due: string | null,
  ) => ({
    interviewer,
    round,
    kit: round === 1 ? "Backend <b>fundamentals</b>" : null,
    focus: round === 1 ? ["APIs"] : [],
    at: null,
    due,
    state,
  });
  return {
    role: "Backend",
    coordinator: "Carol",
    rounds: 2,
    submitted: 1,
    members: [
      m("Ravi", 1, "submitted", null),
      m("Mei", 2, "overdue", "2026-11-20T17:00:00Z"),
      m("Bea", 2, "not_started", null),
    ],
    coverage: {
      interviewers: ["Ravi", "Mei", "Bea"],
      rows: [
        {
          competency: "apis",
          name: "APIs",
          cells: [
            { questions: 1, focus: true },
            { questions: 0, focus: false },
            { questions: 2, focus: false },
          ],
          gap: null,
          overlap: false,
        },
      ],
    },
  };
}

describe("compare by plan (issue 19, What 6)", () => {
  it("says who has not submitted yet, with each planned interviewer's round and state, and the coverage", async () => {
    await mountCompare({ ...openComparison(), plan: plan() });
    const section = $(".compare-plan");
    expect(section.querySelector("h2")?.textContent).toBe("Interview plan");
    // The plan comes first: the debrief waits for these people.
    expect($$("main h2")[0]!.textContent).toBe("Interview plan");
    expect(section.querySelector(".hint")?.textContent).toBe(
      "Role: Backend · coordinated by Carol · 2 rounds · 1 of 3 submitted.",
    );
    const waiting = section.querySelector(".plan-waiting")?.textContent ?? "";
    expect(waiting).toMatch(/^Waiting for: Mei \(round 2, overdue, due .+\), Bea \(round 2, not started\)\.$/);
    expect(waiting).not.toContain("Ravi");
    const rows = [...section.querySelectorAll(".plan-members tbody tr")].map((tr) =>
      [...tr.children].map((c) => c.textContent),
    );
    expect(rows[0]).toEqual(["1", "Ravi", "Backend <b>fundamentals</b>", "APIs", "—", "Submitted"]);
    expect(rows[2]).toEqual(["2", "Bea", "—", "—", "—", "Not started"]);
    expect(section.querySelector("b")).toBeNull();
    const coverage = section.querySelector(".coverage-table tr[data-competency='apis']");
    expect(coverage?.querySelector(".is-focus")?.textContent).toBe("1 ★ focus");
  });

  it("shows the plan's states while sealed, and nothing of the sealed sessions", async () => {
    await mountCompare({ ...sealedComparison(2), plan: plan() });
    expect($(".plan-waiting").textContent).toContain("Waiting for: Mei");
    const text = $("main").textContent ?? "";
    for (const hidden of ["REST", "Poor", "Good", "Excellent", "Shaky", "Strong yes"])
      expect(text).not.toContain(hidden);
    expect($$(".q-matrix")).toHaveLength(0);
  });

  it("says so when everyone in the plan has submitted, and shows no plan without one", async () => {
    const p = plan();
    p.members = p.members.map((m) => ({ ...m, state: "submitted" as const }));
    await mountCompare({ ...openComparison(), plan: p });
    expect($(".plan-waiting").textContent).toBe("Everyone in the plan has submitted.");
    document.body.replaceChildren();
    await mountCompare(openComparison());
    expect($$(".compare-plan")).toHaveLength(0);
  });
});

describe("overall scores and the full-width chart (issue 21, What 1)", () => {
  it("tables each interviewer's overall score and the panel's, with — for SD and spread of one", async () => {
    await mountCompare(openComparison());
    const row = $(".comp-table tr.overall");
    expect(row.querySelector("th")?.textContent).toBe("Overall");
    expect([...row.querySelectorAll("td.num")].map((td) => td.textContent)).toEqual(["2", "2.50", "3.50"]);
    expect(row.querySelector("td.stats")?.getAttribute("aria-label")).toBe("mean 2.67 · SD 0.62 · spread 1.50");
    expect($(".overall-hint").textContent).toContain("the panel's overall is the mean of the interviewers'");
    const c = openComparison();
    c.overall = { averages: [null, null, 3.5], stats: spread([3.5]) };
    document.body.replaceChildren();
    await mountCompare(c);
    const stats = $(".comp-table tr.overall td.stats").textContent;
    expect(stats).toContain("SD —");
    expect(stats).toContain("spread —");
  });

  it("charts the Overall group with every value labelled, the panel's last", () => {
    const svg = panelChart(openComparison());
    const texts = [...svg.querySelectorAll("text.label")].map((t) => t.textContent);
    expect(texts).toEqual(["APIs", "Data", "Overall"]);
    const total = svg.querySelector("rect.bar.total") as SVGRectElement;
    expect(total.querySelector("title")?.textContent).toBe("Panel: 2.67");
    const values = [...svg.querySelectorAll("text.value")].map((t) => t.textContent);
    expect(values.slice(-4)).toEqual(["2", "2.50", "3.50", "2.67"]);
    expect(svg.getAttribute("aria-label")).toContain("Overall: Ravi 2, Mei 2.50, Grace 3.50, Panel 2.67");
    // The Summary's chart: the interviewer's own overall score.
    const own = barChart({
      title: "t",
      scale: { min: 1, max: 4 },
      series: [""],
      groups: [{ label: "Overall", bars: [{ value: 2.5 }] }],
      empty: "none",
    });
    expect(own.querySelector("text.value")?.textContent).toBe("2.50");
  });

  it("draws at the card's width, and again when the card is resized", () => {
    const observer: { resized: (() => void) | null } = { resized: null };
    const resized = () => observer.resized?.();
    vi.stubGlobal(
      "ResizeObserver",
      class {
        constructor(cb: () => void) {
          observer.resized = cb;
        }
        observe() {}
        disconnect() {}
      },
    );
    const draw = vi.fn((w: number) => panelChart(openComparison(), w));
    const host = fitChart(draw);
    // Not laid out yet: the default width.
    expect(host.querySelector("svg")?.getAttribute("width")).toBe(String(CHART_WIDTH));
    // At 1280 the card is about 1180 px wide: the chart takes all of it.
    Object.defineProperty(host, "clientWidth", { configurable: true, get: () => 1180 });
    resized();
    const svg = host.querySelector("svg")!;
    expect(svg.getAttribute("width")).toBe("1180");
    expect(svg.getAttribute("viewBox")).toMatch(/^0 0 1180 /);
    // A bar at the top of the scale runs to the plot's right end (4 + 1180 − 68).
    const grace = [...svg.querySelectorAll("rect.bar.series-2")][0] as SVGRectElement;
    expect(Number(grace.getAttribute("width"))).toBeCloseTo(1180 - 68, 1);
    // The same width again draws nothing new.
    resized();
    expect(draw).toHaveBeenCalledTimes(2);
    vi.unstubAllGlobals();
  });
});

describe("report screen", () => {
  it("previews the HTML in a sandboxed frame that may run no script", async () => {
    const backend = fakeBackend(session());
    const screen = reportScreen(fakeCtx(backend), "Ada");
    document.body.appendChild(screen.el);
    await settle();
    const frame = $<HTMLIFrameElement>("iframe.report-preview");
    expect(frame.getAttribute("sandbox")).toBe("");
    expect(frame.getAttribute("title")).toBe("Report preview");
    expect(frame.hasAttribute("src")).toBe(false);
    expect(backend.reportPreview).toHaveBeenCalledWith("Ada", "html", false);
    expect(frame.srcdoc).toContain("Hiring committee report");

    const redact = $<HTMLInputElement>("input[type=checkbox]");
    redact.click();
    await settle();
    expect(backend.reportPreview).toHaveBeenLastCalledWith("Ada", "html", true);
  });

  it("previews the chosen format: Markdown, CSV and JSON as text, not HTML", async () => {
    const backend = fakeBackend(session());
    const screen = reportScreen(fakeCtx(backend), "Ada");
    document.body.appendChild(screen.el);
    await settle();
    const format = $<HTMLSelectElement>("select.report-format");
    for (const f of ["md", "csv", "json"] as const) {
      format.value = f;
      format.dispatchEvent(new Event("change"));
      await settle();
      expect(backend.reportPreview).toHaveBeenLastCalledWith("Ada", f, false);
      expect($$("iframe")).toHaveLength(0);
      const pre = $("pre.report-preview");
      expect(pre.dataset.format).toBe(f);
      expect(pre.textContent).toBe(`# Hiring committee report (${f})`);
      expect(pre.children).toHaveLength(0);
    }
  });

  it("lists what redaction replaces, warns, and asks before a redacted export", async () => {
    const backend = fakeBackend(session());
    backend.exportReport.mockResolvedValue("/tmp/committee-ada.csv");
    const screen = reportScreen(fakeCtx(backend), "Ada");
    document.body.appendChild(screen.el);
    await settle();
    $<HTMLInputElement>("input[type=checkbox]").click();
    await settle();
    expect($(".report-form .replaced-list").textContent).toBe("Ada → Candidate 3F2A (also 4× in the text)");
    expect($(".report-form .warn-text").textContent).toContain("Free text can still identify");
    // Cancel: nothing is exported.
    [...document.querySelectorAll("button")].find((b) => b.textContent === "Export…")!.click();
    await settle();
    const dlg = $<HTMLDialogElement>("dialog.redact-dialog");
    expect(dlg.textContent).toContain("Ada → Candidate 3F2A (also 4× in the text)");
    expect(dlg.textContent).toContain("Free text can still identify");
    [...dlg.querySelectorAll("button")].find((b) => b.textContent === "Cancel")!.click();
    await settle();
    expect(backend.exportReport).not.toHaveBeenCalled();
    // Confirm: exported redacted.
    [...document.querySelectorAll("button")].find((b) => b.textContent === "Export…")!.click();
    await settle();
    [...$("dialog.redact-dialog").querySelectorAll("button")].find((b) => b.textContent === "Export redacted")!.click();
    await settle();
    expect(backend.exportReport).toHaveBeenCalledWith("Ada", "html", true);
  });

  it("exports in the chosen format with the chosen redaction", async () => {
    const backend = fakeBackend(session());
    backend.exportReport.mockResolvedValue("/tmp/committee-ada.csv");
    const screen = reportScreen(fakeCtx(backend), "Ada");
    document.body.appendChild(screen.el);
    await settle();
    const format = $<HTMLSelectElement>("select.report-format");
    expect([...format.options].map((o) => o.value)).toEqual(["html", "md", "csv", "json"]);
    expect(format.labels?.[0]?.textContent).toBe("Format");
    format.value = "csv";
    [...document.querySelectorAll("button")].find((b) => b.textContent === "Export…")!.click();
    await settle();
    expect(backend.exportReport).toHaveBeenCalledWith("Ada", "csv", false);
    expect($(".report-form [role=status]").textContent).toBe("Exported to /tmp/committee-ada.csv");
  });

  it("exports a PDF, redacted only after the same confirmation", async () => {
    const backend = fakeBackend(session());
    backend.exportReportPdf.mockResolvedValue("/tmp/committee-ada.pdf");
    const screen = reportScreen(fakeCtx(backend), "Ada");
    document.body.appendChild(screen.el);
    await settle();
    const pdf = [...document.querySelectorAll("button")].find((b) => b.textContent === "Export PDF…")!;
    pdf.click();
    await settle();
    expect(backend.exportReportPdf).toHaveBeenCalledWith("Ada", false);
    expect(backend.exportReport).not.toHaveBeenCalled();
    expect($(".report-form [role=status]").textContent).toBe("Exported to /tmp/committee-ada.pdf");

    $<HTMLInputElement>("input[type=checkbox]").click();
    await settle();
    pdf.click();
    await settle();
    const dlg = $<HTMLDialogElement>("dialog.redact-dialog");
    expect(dlg.textContent).toContain("Ada → Candidate 3F2A");
    [...dlg.querySelectorAll("button")].find((b) => b.textContent === "Export redacted")!.click();
    await settle();
    expect(backend.exportReportPdf).toHaveBeenLastCalledWith("Ada", true);
  });
});

function candidates(order: string[]): CandidateComparison {
  const rows = {
    Ada: {
      candidate: "Ada",
      sessions: 3,
      competencies: { apis: 3.5, data: 2 },
      overall: 2.75,
      recommendations: [["Grace", "yes"]],
    },
    Bob: {
      candidate: "Bob",
      sessions: 2,
      competencies: { apis: 2, data: 3.5 },
      overall: 2.5,
      recommendations: [["Grace", "no"]],
    },
    Cy: { candidate: "Cy", sessions: 1, competencies: { apis: 1 }, overall: 1, recommendations: [["Grace", null]] },
  } as const;
  return {
    kit: "Backend fundamentals",
    competencies: [
      ["apis", "APIs"],
      ["data", "Data"],
    ],
    rows: order.map(
      (n) => structuredClone(rows[n as keyof typeof rows]) as unknown as CandidateComparison["rows"][number],
    ),
    sealed_candidates: 1,
    scale: { min: 1, max: 4 },
  };
}

describe("candidates screen", () => {
  it("sorts by a clicked header through the core and reverses on a second click", async () => {
    const backend = fakeBackend(session());
    backend.compareCandidates.mockImplementation(async (_k, sort) =>
      candidates(
        sort === "name" ? ["Ada", "Bob", "Cy"] : sort === "data" ? ["Bob", "Ada", "Cy"] : ["Ada", "Bob", "Cy"],
      ),
    );
    const ctx = fakeCtx(backend);
    ctx.bank = vi.fn(async () => ({
      competencies: [],
      questions: [],
      kits: [{ id: "backend-fundamentals", name: "Backend fundamentals", description: "", questions: [], minutes: 44 }],
    }));
    const screen = candidatesScreen(ctx, "backend-fundamentals");
    document.body.appendChild(screen.el);
    await settle();
    expect(backend.compareCandidates).toHaveBeenCalledWith("backend-fundamentals", "overall");
    const names = () => $$(".cand-table tbody tr").map((tr) => tr.dataset.candidate);
    const sortOf = (key: string) => $(`button.sort[data-sort='${key}']`).closest("th")!.getAttribute("aria-sort");
    expect(names()).toEqual(["Ada", "Bob", "Cy"]);
    expect(sortOf("overall")).toBe("descending");
    expect($(".banner").textContent).toBe("1 candidate is left out until you submit your own interview.");
    expect($$(".hint").some((p) => p.textContent?.includes("visible score, 1–4."))).toBe(true);
    expect([...$$(".cand-table tbody tr")[2]!.querySelectorAll("td.num")].map((td) => td.textContent)).toEqual([
      "1",
      "1",
      "—",
      "1",
    ]);

    $("button.sort[data-sort='data']").click();
    await settle();
    expect(backend.compareCandidates).toHaveBeenLastCalledWith("backend-fundamentals", "data");
    expect(names()).toEqual(["Bob", "Ada", "Cy"]);
    expect(sortOf("data")).toBe("descending");
    expect(sortOf("overall")).toBe("none");
    expect(document.activeElement).toBe($("button.sort[data-sort='data']"));

    const calls = backend.compareCandidates.mock.calls.length;
    $("button.sort[data-sort='data']").click();
    await settle();
    expect(backend.compareCandidates.mock.calls.length).toBe(calls);
    expect(names()).toEqual(["Cy", "Ada", "Bob"]);
    expect(sortOf("data")).toBe("ascending");

    $("button.sort[data-sort='name']").click();
    await settle();
    expect(backend.compareCandidates).toHaveBeenLastCalledWith("backend-fundamentals", "name");
    expect(sortOf("name")).toBe("ascending");
    expect($("button.sort[data-sort='name']").getAttribute("aria-label")).toBe("Sort by Candidate");

    $("button.cand-link").click();
    expect(ctx.go).toHaveBeenCalledWith({ name: "compare", candidate: "Ada" });
  });
});

describe("calibration screen", () => {
  const cal: CalibrationView = {
    kit: null,
    sessions: 6,
    units: 8,
    raters: ["Ann", "Ben", "Cat"],
    ratings: 20,
    alpha_interval: 0.41234,
    alpha_ordinal: 0.5,
    icc: { icc1_1: 0.17, icc2_1: 0.29, icc3_1: 0.71, units: 6, raters: 3 },
    complete_units: 6,
    leniency: [
      { rater: "Ann", mean_deviation: 0.5, units: 6, z: 1.2 },
      { rater: "Ben", mean_deviation: -0.25, units: 6, z: -0.4 },
      { rater: "Cat", mean_deviation: null, units: 0, z: null },
    ],
    sealed_sessions: 2,
  };

  it("reads the figures in bands, warns on few complete units, and says sealed sessions were left out", async () => {
    const backend = fakeBackend(session());
    backend.calibration.mockResolvedValue(cal);
    const ctx = fakeCtx(backend);
    ctx.bank = vi.fn(async () => ({ competencies: [], questions: [], kits: [] }));
    document.body.appendChild(calibrationScreen(ctx).el);
    await settle();
    const reading = (sel: string) => $$(`${sel} tbody tr`).map((tr) => tr.lastElementChild!.textContent);
    expect(reading(".alpha-table")).toEqual(["unreliable", "unreliable"]);
    expect(reading(".icc-table")).toEqual(["poor", "poor", "moderate"]);
    expect($(".icc-units").textContent).toContain("Koo & Li");
    expect($(".small-sample").textContent).toContain("Only 6 complete units");
    expect($(".sealed-left-out").textContent).toBe(
      "2 sealed sessions were left out: colleagues’ sessions stay sealed until you submit your own interview of that candidate.",
    );
  });

  it("has no sample-size warning from 10 complete units on", async () => {
    const backend = fakeBackend(session());
    backend.calibration.mockResolvedValue({ ...cal, complete_units: 10, units: 12, sealed_sessions: 0 });
    const ctx = fakeCtx(backend);
    ctx.bank = vi.fn(async () => ({ competencies: [], questions: [], kits: [] }));
    document.body.appendChild(calibrationScreen(ctx).el);
    await settle();
    expect($$(".small-sample")).toHaveLength(0);
    expect($(".sealed-left-out").textContent).toContain("No sealed sessions");
  });

  it("shows alpha, the ICCs with their unit count, and leniency with z; filters by kit", async () => {
    const backend = fakeBackend(session());
    backend.calibration.mockResolvedValue(cal);
    const ctx = fakeCtx(backend);
    ctx.bank = vi.fn(async () => ({
      competencies: [],
      questions: [],
      kits: [{ id: "system-design", name: "System design", description: "", questions: [], minutes: 58 }],
    }));
    const screen = calibrationScreen(ctx);
    document.body.appendChild(screen.el);
    await settle();
    expect(backend.calibration).toHaveBeenCalledWith(null);
    expect([...document.querySelectorAll(".alpha-table td:nth-child(2)")].map((td) => td.textContent)).toEqual([
      "0.412",
      "0.500",
    ]);
    expect([...document.querySelectorAll(".icc-table td:nth-child(2)")].map((td) => td.textContent)).toEqual([
      "0.170",
      "0.290",
      "0.710",
    ]);
    expect($(".icc-units").textContent).toContain(
      "Over 6 units rated by all 3 interviewers (6 of 8 units are complete).",
    );
    const rows = $$(".leniency-table tbody tr").map((tr) => [...tr.children].map((c) => c.textContent));
    expect(rows).toEqual([
      ["Ann", "+0.50", "6", "+1.20"],
      ["Ben", "−0.25", "6", "−0.40"],
      ["Cat", "—", "0", "—"],
    ]);
    const kit = $<HTMLSelectElement>("select");
    expect(kit.labels?.[0]?.textContent).toBe("Kit");
    kit.value = "system-design";
    kit.dispatchEvent(new Event("change"));
    await settle();
    expect(backend.calibration).toHaveBeenLastCalledWith("system-design");
  });

  it("says when the ICC cannot be computed", async () => {
    const backend = fakeBackend(session());
    backend.calibration.mockResolvedValue({ ...cal, icc: null, complete_units: 1 });
    const ctx = fakeCtx(backend);
    ctx.bank = vi.fn(async () => ({ competencies: [], questions: [], kits: [] }));
    document.body.appendChild(calibrationScreen(ctx).el);
    await settle();
    expect($(".icc-units").textContent).toBe("Not enough units rated by every interviewer (1 of 8 complete).");
  });
});

describe("import on home", () => {
  const files: ImportedFile[] = [
    {
      file: "ravi.json",
      path: "/x/ravi.json",
      result: {
        session_id: "1",
        candidate: "Ada",
        interviewer: "Ravi",
        outcome: { kind: "added" },
        candidate_note: null,
        signed_by: null,
        key_note: null,
        sealed: false,
      },
    },
    {
      file: "mei.json",
      path: "/x/mei.json",
      result: {
        session_id: "2",
        candidate: "Ada",
        interviewer: "Mei",
        outcome: { kind: "replaced", changes: ["score q1: 2 → 3"] },
        candidate_note: 'filed under the local candidate "Ada": same name, different candidate id',
        signed_by: "1a2b-3c4d-5e6f-7a8b",
        key_note: "first file from Mei: key 1a2b-3c4d-5e6f-7a8b pinned; check it with them",
        sealed: false,
      },
    },
    {
      file: "old.json",
      path: "/x/old.json",
      result: {
        session_id: "3",
        candidate: "Bo",
        interviewer: "Li",
        outcome: { kind: "kept_newer", stored_revision: 4 },
        candidate_note: null,
        signed_by: null,
        key_note: null,
        sealed: false,
      },
    },
  ];

  it("imports through the dialog and shows each file's outcome", async () => {
    const backend = fakeBackend(session());
    backend.importSessionFiles.mockResolvedValue(files);
    const ctx = fakeCtx(backend);
    document.body.appendChild(homeScreen(ctx).el);
    await settle();
    const btn = [...document.querySelectorAll("button")].find((b) => b.textContent === "Import sessions…")!;
    btn.click();
    await settle();
    expect(backend.importSessionFiles).toHaveBeenCalledWith(undefined);
    expect(backend.listSessions).toHaveBeenCalledTimes(2); // the list reloads
    expect($(".import-result h2").textContent).toBe("Imported 3 files");
    const lines = $$(".import-files li").map((li) =>
      [...li.children]
        .filter((c) => !c.classList.contains("import-note"))
        .map((c) => c.textContent)
        .join(""),
    );
    const notes = $$(".import-files li").map((li) =>
      [...li.querySelectorAll(".import-note")].map((n) => n.textContent),
    );
    expect(notes[0]).toEqual(["Unsigned (a version 1 file)"]);
    expect(notes[1]).toEqual([
      'Candidate: filed under the local candidate "Ada": same name, different candidate id',
      "Signed by key 1a2b-3c4d-5e6f-7a8b",
      "Key: first file from Mei: key 1a2b-3c4d-5e6f-7a8b pinned; check it with them",
    ]);
    expect(lines[0]).toBe("ravi.jsonAda · Raviadded");
    expect(lines[1]).toBe("mei.jsonAda · Meiupdated: score q1: 2 → 3");
    expect(lines[2]).toContain("kept that one");
    const open = $$(".import-open button");
    expect(open.map((b) => b.textContent)).toEqual(["Open panel: Ada", "Open panel: Bo"]);
    open[0]!.click();
    expect(ctx.go).toHaveBeenCalledWith({ name: "compare", candidate: "Ada" });
  });

  it("shows a clear error when nothing was imported, and nothing on cancel", async () => {
    const backend = fakeBackend(session());
    backend.importSessionFiles.mockRejectedValueOnce(
      new BackendError(
        "invalid",
        "mei.json: session file content hash does not match (…): the file was edited or damaged",
      ),
    );
    document.body.appendChild(homeScreen(fakeCtx(backend)).el);
    await settle();
    const btn = [...document.querySelectorAll("button")].find((b) => b.textContent === "Import sessions…")!;
    btn.click();
    await settle();
    expect($(".import-error").getAttribute("role")).toBe("alert");
    expect($(".import-error h2").textContent).toBe("Nothing was imported");
    expect($(".import-error .error").textContent).toContain("mei.json: session file content hash does not match");
    btn.click(); // cancelled dialog: null
    await settle();
    expect($(".import-error")).not.toBeNull();
    ($(".import-error button") as HTMLButtonElement).click();
    expect($(".import-error")).toBeNull();
  });

  it("imports files dropped on the window", async () => {
    const backend = fakeBackend(session());
    backend.importSessionFiles.mockResolvedValue(files.slice(0, 1));
    document.body.appendChild(homeScreen(fakeCtx(backend), ["/x/ravi.json"]).el);
    await settle();
    expect(backend.importSessionFiles).toHaveBeenCalledWith(["/x/ravi.json"]);
    expect($(".import-result h2").textContent).toBe("Imported 1 file");
  });

  it("opens imported sessions in the candidate's panel, and every row has a Panel button", async () => {
    const backend = fakeBackend(session());
    backend.listSessions.mockResolvedValue(
      page([
        {
          id: "imp",
          candidate: "Ada",
          interviewer: "Ravi",
          role: "Backend",
          kit: null,
          status: "submitted",
          created_at: "2026-11-22T09:00:00Z",
          started_at: "2026-11-22T09:00:00Z",
          finished_at: null,
          questions: 3,
          scored: 3,
          recommendation: "no",
          imported: true,
          sealed: false,
        },
      ]),
    );
    const ctx = fakeCtx(backend);
    document.body.appendChild(homeScreen(ctx).el);
    await settle();
    expect($(".badge").textContent).toBe("Imported");
    $(".session-row").click();
    expect(ctx.go).toHaveBeenLastCalledWith({ name: "compare", candidate: "Ada" });
    const panel = $("button.panel-btn");
    expect(panel.getAttribute("aria-label")).toBe("Panel for Ada");
  });
});
