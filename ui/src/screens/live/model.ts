// The live screen's pure logic: level text, competency evidence, where to
// resume, and the undo stack's steps. No DOM.
import type { Entry } from "../../bindings/Entry";
import type { Session } from "../../bindings/Session";

/** One undoable command: what the question held before it. */
export type UndoStep =
  | { kind: "score"; index: number; score: number | null; skipped: boolean; label: string }
  | { kind: "lookFor" | "followUp"; index: number; item: number; on: boolean; label: string };

/** "Level 3 — Solid" for a level of this entry's rubric. */
export function levelText(e: Entry, level: number): string {
  const l = e.question.rubric.levels.find((x) => x.value === level);
  return l ? `Level ${level} — ${l.label}` : `Level ${level}`;
}

/** Competencies in order of first appearance, with whether any has a score. */
export function competencyEvidence(s: Session): { id: string; name: string; evidence: boolean }[] {
  const out: { id: string; name: string; evidence: boolean }[] = [];
  for (const e of s.entries) {
    let c = out.find((x) => x.id === e.question.competency);
    if (!c) {
      c = { id: e.question.competency, name: e.competency_name, evidence: false };
      out.push(c);
    }
    if (e.score !== null) c.evidence = true;
  }
  return out;
}

/** Where to resume: the first question neither scored nor skipped. */
export function resumeIndex(s: Session): number {
  const i = s.entries.findIndex((e) => e.score === null && !e.skipped);
  return i < 0 ? 0 : i;
}

/** Adds or removes `item` in a list of ticked indexes. */
export function withItem(list: number[], item: number, on: boolean): number[] {
  return on ? [...new Set([...list, item])] : list.filter((x) => x !== item);
}
