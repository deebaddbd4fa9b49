import { describe, expect, it } from "vitest";
import {
  FOLLOW_UP_KEYS,
  KEY_MAP,
  KEY_MAP_WHY,
  LOOK_FOR_KEYS,
  actionForKey,
  focusPlace,
  isTypingTarget,
  type KeyContext,
  type KeyLike,
} from "../src/keys";

const ctx: KeyContext = {
  focus: "page",
  levels: [1, 2, 3, 4],
  lookFors: LOOK_FOR_KEYS.length,
  followUps: FOLLOW_UP_KEYS.length,
};
const notes: KeyContext = { ...ctx, focus: "notes" };
/** A key press as a US keyboard reports it: `code` from the key. */
function key(k: string, extra: Partial<KeyLike> = {}): KeyLike {
  let code: string | undefined;
  if (/^[a-z]$/i.test(k)) code = `Key${k.toUpperCase()}`;
  else if (/^[0-9]$/.test(k)) code = `Digit${k}`;
  else if (k === " ") code = "Space";
  return { key: k, code, ...extra };
}
const alt = (k: string) => key(k, { altKey: true });
const ctrl = (k: string) => key(k, { ctrlKey: true });

/** Every key of a sentence pressed with the focus at `where`, as actions. */
function typed(sentence: string, where: KeyContext) {
  return [...sentence].map((ch) => actionForKey(key(ch, { shiftKey: ch !== ch.toLowerCase() }), where));
}

describe("actionForKey: plain keys are text", () => {
  const sentence =
    "She said caching: 0 1 2 3 4 5 9, J/K/W/N/T/A S D F G H Z X C V? Wait — j k w n t a s d f g h z x c v q!";

  it("sends every character typed outside the notes into the notes", () => {
    for (const focus of ["page", "control"] as const) {
      const where = { ...ctx, focus };
      const actions = typed(sentence, where);
      [...sentence].forEach((ch, i) => {
        if (focus === "control" && ch === " ") expect(actions[i]).toBeNull();
        else expect(actions[i]).toEqual({ type: "type", text: ch });
      });
    }
  });

  it("leaves every character typed in the notes to the notes box", () => {
    expect(typed(sentence, notes).every((a) => a === null)).toBe(true);
  });

  it("never scores, ticks, skips or moves on a plain key", () => {
    const all = "abcdefghijklmnopqrstuvwxyz0123456789?/ ".split("");
    for (const focus of ["page", "control", "notes", "field"] as const) {
      for (const ch of all) {
        const a = actionForKey(key(ch), { ...ctx, focus });
        expect(a === null || a.type === "type", `${focus} ${ch}`).toBe(true);
      }
    }
  });

  it("treats AltGr (Ctrl+Alt on Windows) as text", () => {
    expect(actionForKey(key("@", { ctrlKey: true, altKey: true }), ctx)).toEqual({ type: "type", text: "@" });
  });

  it("leaves composition and dead keys alone, and other text fields entirely", () => {
    expect(actionForKey(key("a", { isComposing: true }), ctx)).toBeNull();
    expect(actionForKey(key("Dead"), ctx)).toBeNull();
    expect(actionForKey(alt("3"), { ...ctx, focus: "field" })).toBeNull();
    expect(actionForKey(key("a"), { ...ctx, focus: "field" })).toBeNull();
  });
});

describe("actionForKey: commands are chords", () => {
  it("scores with Alt or Ctrl + 1-4, only on the rubric's scale, also from the notes", () => {
    for (const where of [ctx, notes]) {
      expect(actionForKey(alt("1"), where)).toEqual({ type: "score", level: 1 });
      expect(actionForKey(ctrl("4"), where)).toEqual({ type: "score", level: 4 });
      expect(actionForKey(alt("5"), where)).toBeNull();
    }
    expect(actionForKey(alt("3"), { ...ctx, levels: [1, 2] })).toBeNull();
  });

  it("skips with Alt+0 and moves with Alt+arrows and Ctrl+Enter", () => {
    expect(actionForKey(alt("0"), ctx)).toEqual({ type: "skip" });
    expect(actionForKey(ctrl("0"), notes)).toEqual({ type: "skip" });
    expect(actionForKey(key("ArrowRight", { altKey: true }), notes)).toEqual({ type: "next" });
    expect(actionForKey(key("ArrowLeft", { altKey: true }), ctx)).toEqual({ type: "prev" });
    expect(actionForKey(key("Enter", { ctrlKey: true }), notes)).toEqual({ type: "next" });
    expect(actionForKey(key("ArrowRight"), ctx)).toBeNull();
    expect(actionForKey(key("Enter"), ctx)).toBeNull();
  });

  it("toggles look-fors with Alt+A S D F G H J K L and follow-ups with Alt+Z X C V B M", () => {
    LOOK_FOR_KEYS.forEach((k, i) => expect(actionForKey(alt(k), notes)).toEqual({ type: "lookFor", index: i }));
    FOLLOW_UP_KEYS.forEach((k, i) => expect(actionForKey(alt(k), ctx)).toEqual({ type: "followUp", index: i }));
  });

  it("takes letters by position, so macOS Option symbols and other layouts work", () => {
    expect(actionForKey({ key: "å", code: "KeyA", altKey: true }, ctx)).toEqual({ type: "lookFor", index: 0 });
    expect(actionForKey({ key: "¡", code: "Digit1", altKey: true }, ctx)).toEqual({ type: "score", level: 1 });
  });

  it("ignores look-for and follow-up chords past the question's list", () => {
    const few = { ...ctx, lookFors: 2, followUps: 1 };
    expect(actionForKey(alt("s"), few)).toEqual({ type: "lookFor", index: 1 });
    expect(actionForKey(alt("d"), few)).toBeNull();
    expect(actionForKey(alt("x"), few)).toBeNull();
  });

  it("has chords for notes, stamp, pause, wrap-up and help; Esc leaves the notes", () => {
    expect(actionForKey(alt("n"), ctx)).toEqual({ type: "focusNotes" });
    expect(actionForKey(alt("t"), notes)).toEqual({ type: "stamp" });
    expect(actionForKey(alt("p"), notes)).toEqual({ type: "pause" });
    expect(actionForKey(alt("w"), ctx)).toEqual({ type: "wrapUp" });
    expect(actionForKey(key("F1"), notes)).toEqual({ type: "help" });
    expect(actionForKey({ key: "/", code: "Slash", altKey: true }, ctx)).toEqual({ type: "help" });
    expect(actionForKey(key("Escape"), notes)).toEqual({ type: "leaveNotes" });
    expect(actionForKey(key("Escape"), ctx)).toBeNull();
  });

  it("undoes with Ctrl+Z outside the notes; inside, the browser undoes typing", () => {
    expect(actionForKey(ctrl("z"), ctx)).toEqual({ type: "undo" });
    expect(actionForKey(ctrl("z"), { ...ctx, focus: "control" })).toEqual({ type: "undo" });
    expect(actionForKey(ctrl("z"), notes)).toBeNull();
    expect(actionForKey(key("z", { ctrlKey: true, shiftKey: true }), ctx)).toBeNull();
  });

  it("leaves Meta and other Ctrl combinations to the system", () => {
    expect(actionForKey(key("1", { metaKey: true }), ctx)).toBeNull();
    expect(actionForKey(ctrl("c"), ctx)).toBeNull();
    expect(actionForKey(ctrl("v"), notes)).toBeNull();
    expect(actionForKey(ctrl("a"), ctx)).toBeNull();
  });

  it("documents every chord in the key map, and why", () => {
    const text = KEY_MAP.map((r) => r.keys).join(" ");
    for (const k of [...LOOK_FOR_KEYS, ...FOLLOW_UP_KEYS, "n", "t", "w", "p", "0", "1"]) {
      expect(text).toContain(`Alt+${k.toUpperCase()}`);
    }
    for (const k of ["Ctrl+Z", "Ctrl+Enter", "Alt+→", "Alt+←", "Esc", "F1"]) expect(text).toContain(k);
    expect(KEY_MAP_WHY).toMatch(/sentence typed anywhere lands in the notes/);
  });
});

describe("focusPlace", () => {
  it("tells the notes, other fields, controls and the page apart", () => {
    const box = document.createElement("textarea");
    const other = document.createElement("textarea");
    const input = document.createElement("input");
    const check = document.createElement("input");
    check.type = "checkbox";
    expect(focusPlace(box, box)).toBe("notes");
    expect(focusPlace(other, box)).toBe("field");
    expect(focusPlace(input, box)).toBe("field");
    expect(focusPlace(check, box)).toBe("control");
    expect(focusPlace(document.createElement("button"), box)).toBe("control");
    expect(focusPlace(document.body, box)).toBe("page");
    expect(focusPlace(document.createElement("h2"), box)).toBe("page");
  });
});

describe("isTypingTarget", () => {
  it("treats text fields as typing, buttons and checkboxes not", () => {
    const ta = document.createElement("textarea");
    const text = document.createElement("input");
    const search = document.createElement("input");
    search.type = "search";
    const box = document.createElement("input");
    box.type = "checkbox";
    const radio = document.createElement("input");
    radio.type = "radio";
    const button = document.createElement("button");
    expect(isTypingTarget(ta)).toBe(true);
    expect(isTypingTarget(text)).toBe(true);
    expect(isTypingTarget(search)).toBe(true);
    expect(isTypingTarget(document.createElement("select"))).toBe(true);
    expect(isTypingTarget(box)).toBe(false);
    expect(isTypingTarget(radio)).toBe(false);
    expect(isTypingTarget(button)).toBe(false);
    expect(isTypingTarget(null)).toBe(false);
  });
});
