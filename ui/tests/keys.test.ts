import { describe, expect, it } from "vitest";
import { FOLLOW_UP_KEYS, KEY_MAP, LOOK_FOR_KEYS, actionForKey, isTypingTarget, type KeyContext } from "../src/keys";

const ctx: KeyContext = { typing: false, levels: [1, 2, 3, 4], lookFors: 6, followUps: 4 };
const key = (k: string, extra: Partial<KeyboardEventInit> = {}) => ({ key: k, ...extra });

describe("actionForKey", () => {
  it("scores with 1-4, only on the rubric's scale", () => {
    expect(actionForKey(key("1"), ctx)).toEqual({ type: "score", level: 1 });
    expect(actionForKey(key("4"), ctx)).toEqual({ type: "score", level: 4 });
    expect(actionForKey(key("5"), ctx)).toBeNull();
    expect(actionForKey(key("3"), { ...ctx, levels: [1, 2] })).toBeNull();
  });

  it("moves with arrows and J/K, skips with 0", () => {
    expect(actionForKey(key("ArrowRight"), ctx)).toEqual({ type: "next" });
    expect(actionForKey(key("j"), ctx)).toEqual({ type: "next" });
    expect(actionForKey(key("J", { shiftKey: true }), ctx)).toBeNull(); // Shift+J is not bound
    expect(actionForKey(key("J"), ctx)).toEqual({ type: "next" }); // Caps Lock still works
    expect(actionForKey(key("ArrowLeft"), ctx)).toEqual({ type: "prev" });
    expect(actionForKey(key("k"), ctx)).toEqual({ type: "prev" });
    expect(actionForKey(key("0"), ctx)).toEqual({ type: "skip" });
  });

  it("toggles look-fors with A S D F G H and follow-ups with Z X C V", () => {
    LOOK_FOR_KEYS.forEach((k, i) => expect(actionForKey(key(k), ctx)).toEqual({ type: "lookFor", index: i }));
    FOLLOW_UP_KEYS.forEach((k, i) => expect(actionForKey(key(k), ctx)).toEqual({ type: "followUp", index: i }));
  });

  it("ignores look-for and follow-up keys past the question's list", () => {
    const few = { ...ctx, lookFors: 2, followUps: 1 };
    expect(actionForKey(key("s"), few)).toEqual({ type: "lookFor", index: 1 });
    expect(actionForKey(key("d"), few)).toBeNull();
    expect(actionForKey(key("x"), few)).toBeNull();
  });

  it("has keys for notes, stamp, wrap-up and help", () => {
    expect(actionForKey(key("n"), ctx)).toEqual({ type: "focusNotes" });
    expect(actionForKey(key("t"), ctx)).toEqual({ type: "stamp" });
    expect(actionForKey(key("w"), ctx)).toEqual({ type: "wrapUp" });
    expect(actionForKey(key("?", { shiftKey: true }), ctx)).toEqual({ type: "help" });
  });

  it("does nothing while typing except Escape", () => {
    const typing = { ...ctx, typing: true };
    for (const k of ["1", "j", "a", "n", "t", "0", "?", "ArrowRight"]) {
      expect(actionForKey(key(k), typing)).toBeNull();
    }
    expect(actionForKey(key("Escape"), typing)).toEqual({ type: "leaveNotes" });
  });

  it("leaves Ctrl, Alt and Meta combinations to the system", () => {
    expect(actionForKey(key("1", { ctrlKey: true }), ctx)).toBeNull();
    expect(actionForKey(key("j", { altKey: true }), ctx)).toBeNull();
    expect(actionForKey(key("n", { metaKey: true }), ctx)).toBeNull();
  });

  it("documents every bound key in the key map", () => {
    const text = KEY_MAP.map((r) => r.keys).join(" ");
    for (const k of [...LOOK_FOR_KEYS, ...FOLLOW_UP_KEYS, "n", "t", "w", "j", "k"]) {
      expect(text.toLowerCase()).toContain(k);
    }
    expect(text).toContain("?");
    expect(text).toContain("Esc");
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
