// Panels: pure helpers shared by the Compare, Report, Candidates and
// Calibration screens (formatting of the core's results; unit-tested). The
// rules themselves (sealing, flags, statistics) are the core's.
import type { Cell } from "./bindings/Cell";
import type { Comparison } from "./bindings/Comparison";
import type { ImportOutcome } from "./bindings/ImportOutcome";
import type { Recommendation } from "./bindings/Recommendation";
import type { Spread } from "./bindings/Spread";
import type { ImportedFile } from "./types";

/** 2.3333 -> "2.33", 3 -> "3", null -> "—". */
export function num(x: number | null | undefined, digits = 2): string {
  if (x === null || x === undefined || Number.isNaN(x)) return "—";
  return Number.isInteger(x) ? String(x) : x.toFixed(digits);
}

/** Signed, for deviations and z scores: "+0.42", "−1.10", "0". */
export function signed(x: number | null | undefined, digits = 2): string {
  if (x === null || x === undefined || Number.isNaN(x)) return "—";
  if (x === 0) return "0";
  return `${x > 0 ? "+" : "−"}${Math.abs(x).toFixed(digits)}`;
}

/** "mean 2.33 · SD 1.25 · spread 3", for labels; one score has no SD or spread. */
export function spreadText(s: Spread): string {
  if (s.n === 0) return "no scores";
  if (s.n === 1) return `one score: ${num(s.mean)}; no SD or spread`;
  return `mean ${num(s.mean)} · SD ${num(s.sd)} · spread ${num(s.spread)}`;
}

/** SD and spread need two scores: with fewer they are "—", not 0. */
export function spreadParts(s: Spread): { mean: string; sd: string; spread: string } {
  return {
    mean: num(s.mean),
    sd: s.n < 2 ? "—" : num(s.sd),
    spread: s.n < 2 ? "—" : num(s.spread),
  };
}

const REC_ORDER: (Recommendation | null)[] = ["strong-yes", "yes", "none", "no", "strong-no", null];

/** How many visible interviewers gave each recommendation, strongest yes first. */
export function recommendationTally(c: Comparison): { rec: Recommendation | null; count: number }[] {
  const visible = c.columns.filter((x) => !x.sealed);
  return REC_ORDER.map((rec) => ({
    rec,
    count: visible.filter((x) => (x.recommendation ?? null) === rec).length,
  })).filter((t) => t.count > 0);
}

/** A matrix cell for people: "3 Good", "Skipped", "Not scored", "Not asked". */
export function cellText(cell: Cell | null): string {
  if (!cell) return "Not asked";
  if (cell.level !== null) return cell.label ? `${cell.level} ${cell.label}` : String(cell.level);
  return cell.skipped ? "Skipped" : "Not scored";
}

/** The debrief note of a cell: `was 3`, with the reasons for the title. */
export function debriefText(cell: Cell | null): { short: string; title: string } | null {
  const d = cell?.debrief;
  if (!d) return null;
  const before = d.before === null ? "unscored" : String(d.before);
  const reasons = d.reasons.length ? d.reasons.join(" / ") : "no reason recorded";
  return { short: `was ${before}`, title: `Changed in the debrief from ${before}: ${reasons}` };
}

/** One line per imported file: added / unchanged / updated: … / older kept. */
export function outcomeText(o: ImportOutcome): string {
  switch (o.kind) {
    case "added":
      return "added";
    case "unchanged":
      return "unchanged (already imported)";
    case "replaced":
      return o.changes.length ? `updated: ${o.changes.join("; ")}` : "updated";
    case "kept_newer":
      return `older than the revision already here (${o.stored_revision}); kept that one`;
  }
}

/**
 * Candidates named in an import, in order, once per identity: files are
 * grouped by the core's identity key (`candidate_key`, `text::name_key`),
 * never by how each file spells the name, and each is shown as first named.
 */
export function importedCandidates(files: ImportedFile[]): string[] {
  const seen = new Map<string, string>();
  for (const f of files) {
    const name = f.result?.candidate ?? f.plan?.candidate;
    if (name === undefined || f.refused) continue;
    const key = f.candidate_key ?? name;
    if (!seen.has(key)) seen.set(key, name);
  }
  return [...seen.values()];
}

/** Counts for the Compare screen's header line. */
export function comparisonCounts(c: Comparison): { interviewers: number; flagged: number; uncovered: number } {
  return {
    interviewers: c.columns.filter((x) => !x.sealed).length,
    flagged: c.questions.filter((q) => q.stats.flagged).length,
    uncovered: c.questions.filter((q) => q.uncovered).length,
  };
}

export type SortDir = "asc" | "desc";

/**
 * The core returns candidates in its order for `sort` (scores high to low,
 * names A to Z). Clicking the same header again shows the reverse.
 */
export function nextSort(
  current: { key: string; dir: SortDir },
  clicked: string,
): { key: string; dir: SortDir; reverse: boolean } {
  const natural: SortDir = clicked === "name" ? "asc" : "desc";
  if (current.key !== clicked) return { key: clicked, dir: natural, reverse: false };
  const dir: SortDir = current.dir === "asc" ? "desc" : "asc";
  return { key: clicked, dir, reverse: dir !== natural };
}

export const REPORT_FORMATS = [
  { value: "html", label: "HTML (print-ready)" },
  { value: "md", label: "Markdown" },
  { value: "csv", label: "CSV (one row per score, then the overall scores)" },
  { value: "json", label: "JSON" },
] as const;
