// The live interview's keyboard map, as data (the key-map dialog and the
// README render it) and as a pure function from a key press to an action
// (unit-tested).
//
// The rule that keeps notes safe: a key without Ctrl, Alt or Meta is always
// text. Pressed anywhere on the live screen it goes into the notes (the notes
// box takes focus and the character is inserted), so a sentence typed with
// the focus in the wrong place lands in the notes instead of ticking, scoring
// or moving. Every command is a chord with Alt (or Ctrl for the digits, and
// Ctrl+Enter / Ctrl+Z), so commands also work while the cursor is in the
// notes: the interviewer never has to leave the notes to score. Letters are
// taken by their position on the keyboard (`code`), so Alt+A is the same key
// on every layout and on macOS, where Option+letter types a symbol.

import type { FOLLOW_UPS_MAX, LOOK_FORS_MAX } from "./bindings/limits";

/**
 * A key for each look-for and follow-up, by position: the whole home row for
 * look-fors (nine), the row below for follow-ups (six; N is the notes key).
 * `KEY_MAP` and the checklists read these lists, so a longer list gets its
 * keys everywhere at once.
 */
export const LOOK_FOR_KEYS = ["a", "s", "d", "f", "g", "h", "j", "k", "l"] as const;
export const FOLLOW_UP_KEYS = ["z", "x", "c", "v", "b", "m"] as const;

// The core allows a question in the bank as many look-fors and follow-ups as
// there are keys for them (validate.rs, generated into bindings/limits.ts):
// these two lines stop type-checking if either side changes alone.
const keysForEveryLookFor: typeof LOOK_FORS_MAX = LOOK_FOR_KEYS.length;
const keysForEveryFollowUp: typeof FOLLOW_UPS_MAX = FOLLOW_UP_KEYS.length;
export const KEYED_LISTS = { lookFors: keysForEveryLookFor, followUps: keysForEveryFollowUp };

export type Action =
  | { type: "score"; level: number }
  | { type: "next" }
  | { type: "prev" }
  | { type: "skip" }
  | { type: "lookFor"; index: number }
  | { type: "followUp"; index: number }
  | { type: "focusNotes" }
  | { type: "leaveNotes" }
  | { type: "stamp" }
  | { type: "wrapUp" }
  | { type: "pause" }
  | { type: "undo" }
  | { type: "help" }
  /** A printable character typed outside the notes: it goes into the notes. */
  | { type: "type"; text: string };

export interface KeyLike {
  key: string;
  code?: string;
  ctrlKey?: boolean;
  altKey?: boolean;
  metaKey?: boolean;
  shiftKey?: boolean;
  isComposing?: boolean;
}

/** Where keyboard focus is. */
export type FocusPlace =
  /** The page, a heading, or anything that is not a control or text field. */
  | "page"
  /** A button, checkbox or link: Space and Enter keep their meaning. */
  | "control"
  /** The notes box. */
  | "notes"
  /** Another text field (dialogs, inputs): keys belong to it. */
  | "field";

export interface KeyContext {
  focus: FocusPlace;
  /** Level values on this question's rubric. */
  levels: number[];
  lookFors: number;
  followUps: number;
}

/** The letter or digit of a physical key ("KeyA" → "a", "Digit3" → "3"). */
function physical(ev: KeyLike): string {
  const code = ev.code ?? "";
  if (/^Key[A-Z]$/.test(code)) return code.slice(3).toLowerCase();
  if (/^(Digit|Numpad)[0-9]$/.test(code)) return code.slice(-1);
  if (code === "Slash") return "/";
  return ev.key.length === 1 ? ev.key.toLowerCase() : ev.key;
}

export function actionForKey(ev: KeyLike, ctx: KeyContext): Action | null {
  if (ev.isComposing || ev.key === "Process" || ev.key === "Dead") return null;
  if (ctx.focus === "field") return null;
  const ctrl = !!ev.ctrlKey;
  const alt = !!ev.altKey;
  const meta = !!ev.metaKey;

  // Plain keys (and AltGr, which Windows reports as Ctrl+Alt): text.
  if (!meta && ctrl === alt && ev.key.length >= 1 && [...ev.key].length === 1) {
    if (ctx.focus === "notes") return null; // the browser types it
    if (ctx.focus === "control" && ev.key === " ") return null; // Space presses the focused control
    return { type: "type", text: ev.key };
  }
  if (!ctrl && !alt && !meta) {
    if (ev.key === "Escape") return ctx.focus === "notes" ? { type: "leaveNotes" } : null;
    if (ev.key === "F1") return { type: "help" };
    return null;
  }
  if (meta) return null;
  const k = physical(ev);

  if (ctrl && !alt) {
    if (ev.key === "Enter") return { type: "next" };
    if (k === "z" && !ev.shiftKey) return ctx.focus === "notes" ? null : { type: "undo" };
  }
  if (ev.shiftKey && k !== "/") return null;
  if (/^[0-9]$/.test(k)) {
    if (k === "0") return { type: "skip" };
    const level = Number(k);
    return ctx.levels.includes(level) ? { type: "score", level } : null;
  }
  if (!alt || ctrl) return null;
  switch (k) {
    case "ArrowRight":
      return { type: "next" };
    case "ArrowLeft":
      return { type: "prev" };
    case "n":
      return { type: "focusNotes" };
    case "t":
      return { type: "stamp" };
    case "w":
      return { type: "wrapUp" };
    case "p":
      return { type: "pause" };
    case "/":
      return { type: "help" };
  }
  const lf = (LOOK_FOR_KEYS as readonly string[]).indexOf(k);
  if (lf >= 0) return lf < ctx.lookFors ? { type: "lookFor", index: lf } : null;
  const fu = (FOLLOW_UP_KEYS as readonly string[]).indexOf(k);
  if (fu >= 0) return fu < ctx.followUps ? { type: "followUp", index: fu } : null;
  return null;
}

/** Whether keyboard focus is in a place where keys are text. */
export function isTypingTarget(target: EventTarget | null): boolean {
  if (!target || !(target instanceof Element)) return false;
  if (target instanceof HTMLTextAreaElement) return true;
  if (target instanceof HTMLSelectElement) return true;
  if (target instanceof HTMLInputElement) {
    return !["checkbox", "radio", "button", "submit", "reset", "range", "color"].includes(target.type);
  }
  return (target as HTMLElement).isContentEditable === true;
}

/** Where focus is, for `actionForKey`; `notes` is the live screen's notes box. */
export function focusPlace(target: EventTarget | null, notes: Element | null): FocusPlace {
  if (target && target === notes) return "notes";
  if (isTypingTarget(target)) return "field";
  if (target instanceof HTMLButtonElement || target instanceof HTMLInputElement) return "control";
  if (target instanceof HTMLAnchorElement || (target as Element).tagName === "SUMMARY") return "control";
  return "page";
}

/** Rows for the key-map dialog and the README's key table. */
export const KEY_MAP: { keys: string; what: string }[] = [
  { keys: "Any letter, digit or sign", what: "Goes into the notes, wherever the focus is" },
  { keys: "Alt+1 – Alt+4 (or Ctrl+1 – 4)", what: "Score the answer at that level (again to clear)" },
  { keys: "Alt+0 (or Ctrl+0)", what: "Skip this question and go to the next" },
  { keys: "Alt+→ or Ctrl+Enter", what: "Next question" },
  { keys: "Alt+←", what: "Previous question" },
  {
    keys: LOOK_FOR_KEYS.map((k) => `Alt+${k.toUpperCase()}`).join(" "),
    what: `Toggle look-for 1 – ${LOOK_FOR_KEYS.length}`,
  },
  {
    keys: FOLLOW_UP_KEYS.map((k) => `Alt+${k.toUpperCase()}`).join(" "),
    what: `Tick follow-up 1 – ${FOLLOW_UP_KEYS.length} as asked`,
  },
  { keys: "Ctrl+Z", what: "Undo the last score, skip or tick (inside the notes it undoes typing)" },
  { keys: "Alt+N", what: "Write notes" },
  { keys: "Esc", what: "Leave the notes box" },
  { keys: "Alt+T", what: "Stamp the notes with the interview time, e.g. [12:40]" },
  { keys: "Alt+P", what: "Pause or resume the interview clock" },
  { keys: "Alt+W", what: "Go to wrap-up" },
  { keys: "F1 or Alt+/", what: "Show this key map" },
];

/** Why the keys are what they are (shown under the key map). */
export const KEY_MAP_WHY =
  "Plain keys are always text, so a sentence typed anywhere lands in the notes and never scores, ticks or moves. " +
  "Commands are Alt (or Ctrl) chords, so they also work while you type in the notes. " +
  "Letters are keys by position: the look-fors are the home row, the follow-ups the row below.";
