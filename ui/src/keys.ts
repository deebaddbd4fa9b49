// The live interview's keyboard map, as data (the ? dialog renders it) and as
// a pure function from a key press to an action (unit-tested).

export const LOOK_FOR_KEYS = ["a", "s", "d", "f", "g", "h"] as const;
export const FOLLOW_UP_KEYS = ["z", "x", "c", "v"] as const;

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
  | { type: "help" };

export interface KeyLike {
  key: string;
  ctrlKey?: boolean;
  altKey?: boolean;
  metaKey?: boolean;
  shiftKey?: boolean;
}

export interface KeyContext {
  /** Focus is in a text field: only Escape does anything. */
  typing: boolean;
  /** Level values on this question's rubric. */
  levels: number[];
  lookFors: number;
  followUps: number;
}

export function actionForKey(ev: KeyLike, ctx: KeyContext): Action | null {
  if (ev.ctrlKey || ev.altKey || ev.metaKey) return null;
  if (ctx.typing) return ev.key === "Escape" ? { type: "leaveNotes" } : null;
  const key = ev.key.length === 1 ? ev.key.toLowerCase() : ev.key;
  if (key === "?") return { type: "help" };
  if (ev.shiftKey) return null;
  if (/^[1-9]$/.test(key)) {
    const level = Number(key);
    return ctx.levels.includes(level) ? { type: "score", level } : null;
  }
  switch (key) {
    case "0":
      return { type: "skip" };
    case "ArrowRight":
    case "j":
      return { type: "next" };
    case "ArrowLeft":
    case "k":
      return { type: "prev" };
    case "n":
      return { type: "focusNotes" };
    case "t":
      return { type: "stamp" };
    case "w":
      return { type: "wrapUp" };
  }
  const lf = (LOOK_FOR_KEYS as readonly string[]).indexOf(key);
  if (lf >= 0) return lf < ctx.lookFors ? { type: "lookFor", index: lf } : null;
  const fu = (FOLLOW_UP_KEYS as readonly string[]).indexOf(key);
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

/** Rows for the ? dialog. */
export const KEY_MAP: { keys: string; what: string }[] = [
  { keys: "1 – 4", what: "Score the answer at that level (again to clear)" },
  { keys: "0", what: "Skip this question and go to the next" },
  { keys: "J or →", what: "Next question" },
  { keys: "K or ←", what: "Previous question" },
  { keys: LOOK_FOR_KEYS.map((k) => k.toUpperCase()).join(" "), what: "Toggle look-for 1 – 6" },
  { keys: FOLLOW_UP_KEYS.map((k) => k.toUpperCase()).join(" "), what: "Tick follow-up 1 – 4 as asked" },
  { keys: "N", what: "Write notes" },
  { keys: "Esc", what: "Leave the notes box" },
  { keys: "T", what: "Stamp the notes with the interview time, e.g. [12:40]" },
  { keys: "W", what: "Go to wrap-up" },
  { keys: "?", what: "Show this key map" },
];
