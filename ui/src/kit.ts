// Question picking for a new interview: filtering the bank, ordering the
// picked list, and its summary line (pure; unit-tested). The time budget is the core's.
import type { Kind } from "./bindings/Kind";
import type { Question } from "./bindings/Question";
import type { Seniority } from "./bindings/Seniority";

export interface QuestionFilter {
  text: string;
  competency: string | "";
  seniority: Seniority | "";
  kind: Kind | "";
}

export const EMPTY_FILTER: QuestionFilter = { text: "", competency: "", seniority: "", kind: "" };

/** Lower case, without accents: "Déjà" finds "deja". */
export function fold(s: string): string {
  return s.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase();
}

/** Whether every word of `query` is in `hay`, case and accents aside: the one search rule for questions. */
export function hasEveryWord(hay: string, query: string): boolean {
  const h = fold(hay);
  return fold(query)
    .split(/\s+/)
    .filter(Boolean)
    .every((w) => h.includes(w));
}

export function filterQuestions(questions: Question[], f: QuestionFilter): Question[] {
  return questions.filter((q) => {
    if (f.competency && q.competency !== f.competency) return false;
    if (f.seniority && q.seniority !== f.seniority) return false;
    if (f.kind && q.kind !== f.kind) return false;
    return hasEveryWord(`${q.prompt} ${q.id} ${q.look_fors.join(" ")}`, f.text);
  });
}

/** A copy of `list` with the item at `index` moved by `delta` (clamped). */
export function move<T>(list: T[], index: number, delta: number): T[] {
  const to = Math.max(0, Math.min(list.length - 1, index + delta));
  if (index < 0 || index >= list.length || to === index) return list.slice();
  const out = list.slice();
  const [item] = out.splice(index, 1);
  out.splice(to, 0, item as T);
  return out;
}

/** Adds `id` at the end unless it is already picked. */
export function addPicked(list: string[], id: string): string[] {
  return list.includes(id) ? list.slice() : [...list, id];
}

export function removePicked(list: string[], id: string): string[] {
  return list.filter((x) => x !== id);
}

/** "7 questions · 42 min"; `minutes` is the core's budget (null: not known yet). */
export function pickedSummary(n: number, minutes: number | null): string {
  const count = `${n} question${n === 1 ? "" : "s"}`;
  return minutes === null ? count : `${count} · ${minutes} min`;
}

/**
 * The kit name to record on the session: the kit the list came from, even
 * reordered, trimmed or added to (the core marks such a session as
 * modified and still compares it on the kit); none when nothing of the kit
 * is left.
 */
export function kitNameFor(picked: string[], kit: { name: string; questions: string[] } | null): string | null {
  if (!kit) return null;
  return picked.some((q) => kit.questions.includes(q)) ? kit.name : null;
}
