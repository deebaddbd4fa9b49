// The Bank screen's logic, pure and unit-tested: search across every field
// of a question saying why a row matched, the filters, the question form's
// conversion to the core's QuestionDoc, and mapping the core's field paths
// (`levels[1].anchor: must not be empty`) to the form's inputs.
import type { BankProgress } from "../bindings/BankProgress";
import type { BankQuestion } from "../bindings/BankQuestion";
import type { Kind } from "../bindings/Kind";
import type { QuestionDoc } from "../bindings/QuestionDoc";
import type { Question } from "../bindings/Question";
import type { Seniority } from "../bindings/Seniority";

export interface BankFilter {
  text: string;
  competency: string;
  seniority: Seniority | "";
  kind: Kind | "";
  /** A kit name, or "" for any. */
  kit: string;
  /** "active" hides retired questions, "retired" shows only them. */
  retired: "active" | "all" | "retired";
}

export const EMPTY_BANK_FILTER: BankFilter = {
  text: "",
  competency: "",
  seniority: "",
  kind: "",
  kit: "",
  retired: "active",
};

/** Lower case without accents, for matching. */
export function fold(s: string): string {
  return s
    .normalize("NFD")
    .replace(/\p{Mn}/gu, "")
    .toLowerCase();
}

/** The searchable fields of a question, labelled as the reason shows them. */
export function searchFields(q: BankQuestion, competencyName: (id: string) => string): [string, string][] {
  const x: Question = q.question;
  return [
    ["prompt", x.prompt],
    ["id", x.id],
    ["competency", competencyName(x.competency)],
    ["seniority", x.seniority],
    ["kind", x.kind],
    ...x.rubric.levels.map((l): [string, string] => [`level ${l.value} (${l.label})`, l.anchor]),
    ...x.look_fors.map((s): [string, string] => ["look-for", s]),
    ...x.follow_ups.map((s): [string, string] => ["follow-up", s]),
    ...x.sources.map((s): [string, string] => ["source", s]),
    ...q.kits.map((s): [string, string] => ["kit", s]),
  ];
}

export interface SearchHit {
  q: BankQuestion;
  /** Why it matched: "matched in look-for: Mentions idempotency keys". Empty without a search. */
  reasons: string[];
}

/**
 * Questions passing the filters whose fields contain every word of the
 * search (each word somewhere), with the fields that matched.
 */
export function searchBank(
  questions: BankQuestion[],
  f: BankFilter,
  competencyName: (id: string) => string = (id) => id,
): SearchHit[] {
  const words = fold(f.text).split(/\s+/).filter(Boolean);
  const out: SearchHit[] = [];
  for (const q of questions) {
    if (f.retired === "active" && q.retired) continue;
    if (f.retired === "retired" && !q.retired) continue;
    if (f.competency && q.question.competency !== f.competency) continue;
    if (f.seniority && q.question.seniority !== f.seniority) continue;
    if (f.kind && q.question.kind !== f.kind) continue;
    if (f.kit && !q.kits.includes(f.kit)) continue;
    if (words.length === 0) {
      out.push({ q, reasons: [] });
      continue;
    }
    const fields = searchFields(q, competencyName).map(([label, text]) => ({ label, text, folded: fold(text) }));
    const reasons: string[] = [];
    let all = true;
    for (const w of words) {
      const hit = fields.find((fl) => fl.folded.includes(w));
      if (!hit) {
        all = false;
        break;
      }
      const reason = `matched in ${hit.label}: ${excerpt(hit.text, hit.folded.indexOf(w), w.length)}`;
      if (!reasons.includes(reason)) reasons.push(reason);
    }
    if (all) out.push({ q, reasons });
  }
  return out;
}

/** Up to ~80 characters of `text` around a match. */
export function excerpt(text: string, at: number, len: number): string {
  if (text.length <= 80) return text;
  const start = Math.max(0, Math.min(at - 30, text.length - 80));
  const end = Math.min(text.length, Math.max(start + 80, at + len));
  return `${start > 0 ? "…" : ""}${text.slice(start, end)}${end < text.length ? "…" : ""}`;
}

/** What the question form holds. */
export interface QuestionForm {
  id: string;
  prompt: string;
  competency: string;
  seniority: Seniority;
  kind: Kind;
  minutes: string;
  levels: { value: string; label: string; anchor: string }[];
  lookFors: string;
  followUps: string;
  sources: string;
}

const DEFAULT_LABELS = ["Poor", "Mixed", "Good", "Excellent"];

/** An empty form with a four-level rubric on the 1–4 scale. */
export function emptyForm(competency: string): QuestionForm {
  return {
    id: "",
    prompt: "",
    competency,
    seniority: "mid",
    kind: "concept",
    minutes: "5",
    levels: DEFAULT_LABELS.map((label, i) => ({ value: String(i + 1), label, anchor: "" })),
    lookFors: "",
    followUps: "",
    sources: "",
  };
}

export function formOf(q: Question): QuestionForm {
  return {
    id: q.id,
    prompt: q.prompt,
    competency: q.competency,
    seniority: q.seniority,
    kind: q.kind,
    minutes: String(q.minutes),
    levels: q.rubric.levels.map((l) => ({ value: String(l.value), label: l.label, anchor: l.anchor })),
    lookFors: q.look_fors.join("\n"),
    followUps: q.follow_ups.join("\n"),
    sources: q.sources.join("\n"),
  };
}

function lines(s: string): string[] {
  return s
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean);
}

/** The core's input. Numbers that do not parse go through as NaN-free values the core refuses. */
export function docOf(f: QuestionForm): QuestionDoc {
  const num = (s: string) => (/^-?\d+$/.test(s.trim()) ? Number(s.trim()) : -1);
  return {
    id: f.id.trim(),
    prompt: f.prompt.trim(),
    competency: f.competency,
    seniority: f.seniority,
    kind: f.kind,
    minutes: Math.max(0, num(f.minutes)),
    look_fors: lines(f.lookFors),
    follow_ups: lines(f.followUps),
    levels: f.levels.map((l) => ({ value: num(l.value), label: l.label.trim(), anchor: l.anchor.trim() })),
    sources: lines(f.sources),
  };
}

/**
 * The form input a core error belongs to: `levels[2].anchor` → "levels.2.anchor",
 * `look_fors[3]` → "lookFors", `id` → "id"; null when the message names no field.
 */
export function inputFor(message: string): { key: string; text: string } | null {
  const m = /^([a-z_]+)(?:\[(\d+)\])?(?:\.([a-z_]+))?: (.*)$/s.exec(message);
  if (!m) return null;
  const [, head, index, sub, text] = m as unknown as [string, string, string | undefined, string | undefined, string];
  const keys: Record<string, string> = {
    id: "id",
    prompt: "prompt",
    competency: "competency",
    seniority: "seniority",
    kind: "kind",
    minutes: "minutes",
    look_fors: "lookFors",
    follow_ups: "followUps",
    sources: "sources",
    name: "name",
    description: "description",
    questions: "questions",
  };
  if (head === "levels") {
    if (index === undefined) return { key: "levels", text };
    return { key: `levels.${index}.${sub ?? "anchor"}`, text };
  }
  const key = keys[head];
  return key ? { key, text } : null;
}

/** "Mar 2, 2026, 14:00" for a revision's time; revisions from before history say so. */
export function revisionWhen(createdAt: string): string {
  if (!createdAt) return "built in, or before revisions were kept";
  const d = new Date(createdAt);
  return Number.isNaN(d.getTime()) ? createdAt : d.toLocaleString();
}

/** "levels[4].anchor" → "Level 4 anchor"; "look_fors[2]" → "Look-for 3". */
export function fieldLabel(path: string): string {
  const lvl = /^levels\[(-?\d+)\](?:\.(\w+))?$/.exec(path);
  if (lvl) return `Level ${lvl[1]}${lvl[2] ? ` ${lvl[2]}` : ""}`;
  const item = /^(look_fors|follow_ups|sources)\[(\d+)\]$/.exec(path);
  if (item) {
    const names: Record<string, string> = { look_fors: "Look-for", follow_ups: "Follow-up", sources: "Source" };
    return `${names[item[1] as string]} ${Number(item[2]) + 1}`;
  }
  return path.charAt(0).toUpperCase() + path.slice(1);
}

const count = (n: number) => n.toLocaleString("en-GB");

/** The words for a bank import's progress ("Saving 35,000 of 100,000 questions…"). */
export function progressText(p: BankProgress): string {
  switch (p.phase) {
    case "reading": {
      const mb = (p.total / 1048576).toFixed(p.total < 10 * 1048576 ? 1 : 0);
      return p.done >= p.total ? `Read the file (${mb} MB).` : `Reading the file (${mb} MB)…`;
    }
    case "checking":
      return p.done >= p.total ? `Checked ${count(p.total)} questions.` : `Checking ${count(p.total)} questions…`;
    case "saving":
      return `Saving ${count(p.done)} of ${count(p.total)} questions…`;
  }
}
