import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { BackendError } from "../src/backend";
import { flushAll } from "../src/flush";
import { competencyEvidence, liveScreen, resumeIndex } from "../src/screens/live";
import { fakeBackend, fakeCtx, session } from "./fixtures";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));
vi.mock("@tauri-apps/api/event", () => ({ listen: vi.fn() }));

type Mounted = Awaited<ReturnType<typeof mount>>;
let current: Mounted | null = null;

async function mount(s = session()) {
  const backend = fakeBackend(s);
  const ctx = fakeCtx(backend);
  const screen = liveScreen(ctx, s.id);
  document.body.appendChild(screen.el);
  await vi.advanceTimersByTimeAsync(0);
  const m = { backend, ctx, screen, s };
  current = m;
  return m;
}

function press(key: string, target: Element | Document = document.body, extra: KeyboardEventInit = {}) {
  target.dispatchEvent(new KeyboardEvent("keydown", { key, bubbles: true, cancelable: true, ...extra }));
}
const $ = <T extends Element>(sel: string) => document.querySelector(sel) as T;
const notes = () => $<HTMLTextAreaElement>("textarea.notes");
const pressed = () =>
  [...document.querySelectorAll(".level[aria-pressed=true]")].map((b) => (b as HTMLElement).dataset.level);
const indicator = () => $<HTMLElement>(".save-status").textContent;

function type(text: string) {
  const box = notes();
  box.focus();
  box.value += text;
  box.dispatchEvent(new Event("input", { bubbles: true }));
}

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(new Date("2026-11-22T10:00:00Z"));
});
afterEach(async () => {
  if (current) {
    const leaving = current.screen.leave?.();
    await vi.advanceTimersByTimeAsync(3000);
    await leaving;
    current = null;
  }
  document.body.replaceChildren();
  vi.useRealTimers();
});

describe("live interview screen", () => {
  it("shows one question with its rubric, progress and competency strip", async () => {
    await mount();
    expect($(".progress").textContent).toBe("1 of 3");
    expect(document.querySelectorAll(".level")).toHaveLength(4);
    expect($(".level[data-level='3']").textContent).toContain("good anchor");
    const chips = [...document.querySelectorAll(".chip")].map((c) => c.getAttribute("aria-label"));
    expect(chips).toEqual(["Data: no evidence yet", "APIs & web: no evidence yet"]);
  });

  it("renders user text as text, never as markup", async () => {
    await mount();
    expect($(".prompt").textContent).toBe("<img src=x onerror=alert(1)> joins?");
    expect(document.querySelector("img")).toBeNull();
    expect($(".topbar-title").textContent).toBe("Ada <b>Lovelace</b>");
    expect(document.querySelector(".topbar-title b")).toBeNull();
  });

  it("scores with 1-4, clears with the same key, and marks the competency as evidenced", async () => {
    const { backend } = await mount();
    press("3");
    expect(pressed()).toEqual(["3"]);
    await vi.advanceTimersByTimeAsync(0);
    expect(backend.setScore).toHaveBeenLastCalledWith("0190-session", "q1", 3);
    expect($(".chip").getAttribute("aria-label")).toBe("Data: has evidence");
    press("3");
    await vi.advanceTimersByTimeAsync(0);
    expect(pressed()).toEqual([]);
    expect(backend.setScore).toHaveBeenLastCalledWith("0190-session", "q1", null);
  });

  it("toggles look-fors and follow-ups with their keys", async () => {
    const { backend } = await mount();
    press("s");
    press("z");
    await vi.advanceTimersByTimeAsync(0);
    expect(backend.setLookFor).toHaveBeenCalledWith("0190-session", "q1", 1, true);
    expect(backend.setFollowUp).toHaveBeenCalledWith("0190-session", "q1", 0, true);
    press("s");
    await vi.advanceTimersByTimeAsync(0);
    expect(backend.setLookFor).toHaveBeenLastCalledWith("0190-session", "q1", 1, false);
    press("h"); // look-for 6 does not exist here
    await vi.advanceTimersByTimeAsync(0);
    expect(backend.setLookFor).toHaveBeenCalledTimes(2);
  });

  it("ignores shortcut keys while typing in the notes; Esc leaves the notes", async () => {
    const { backend } = await mount();
    press("n");
    expect(document.activeElement).toBe(notes());
    press("1", notes());
    press("j", notes());
    await vi.advanceTimersByTimeAsync(0);
    expect(backend.setScore).not.toHaveBeenCalled();
    expect($(".progress").textContent).toBe("1 of 3");
    press("Escape", notes());
    expect(document.activeElement).not.toBe(notes());
    press("j");
    expect($(".progress").textContent).toBe("2 of 3");
  });

  it("saves notes within 300 ms of typing and shows saving / saved", async () => {
    const { backend } = await mount();
    type("Knows hash joins");
    expect(indicator()).toBe("Saving…");
    await vi.advanceTimersByTimeAsync(300);
    expect(backend.setNotes).toHaveBeenCalledWith("0190-session", "q1", "Knows hash joins");
    expect(indicator()).toBe("Saved");
  });

  it("keeps the text and retries when a save fails", async () => {
    const { backend } = await mount();
    let failures = 3;
    backend.setNotes.mockImplementation(async () => {
      if (failures-- > 0) throw new BackendError("database", "disk I/O error");
    });
    type("Important point");
    await vi.advanceTimersByTimeAsync(300);
    expect(indicator()).toBe("Not saved – retrying");
    expect(notes().value).toBe("Important point");
    await vi.advanceTimersByTimeAsync(1000);
    expect(indicator()).toBe("Saved");
    expect(backend.setNotes).toHaveBeenLastCalledWith("0190-session", "q1", "Important point");
    expect(backend.setNotes).toHaveBeenCalledTimes(4);
  });

  it("flushes notes on question change and on an exit request", async () => {
    const { backend } = await mount();
    type("before moving");
    notes().blur();
    press("j");
    await vi.advanceTimersByTimeAsync(0);
    expect(backend.setNotes).toHaveBeenCalledWith("0190-session", "q1", "before moving");
    type("before quitting");
    const flushing = flushAll(900);
    await vi.advanceTimersByTimeAsync(0);
    await flushing;
    expect(backend.setNotes).toHaveBeenLastCalledWith("0190-session", "q2", "before quitting");
  });

  it("records time per question when leaving it", async () => {
    const { backend } = await mount();
    await vi.advanceTimersByTimeAsync(65_000);
    expect($(".timer").textContent).toBe("1:05 / 5:00");
    press("ArrowRight");
    await vi.advanceTimersByTimeAsync(0);
    expect(backend.addTime).toHaveBeenCalledWith("0190-session", "q1", 65);
    press("ArrowLeft");
    expect($(".timer").textContent).toBe("1:05 / 5:00");
  });

  it("stamps the notes with the interview time", async () => {
    await mount();
    await vi.advanceTimersByTimeAsync(12 * 60_000 + 40_000);
    press("t");
    expect(notes().value).toBe("[12:40] ");
    expect(document.activeElement).toBe(notes());
  });

  it("skips with 0 and goes to wrap-up from the last question", async () => {
    const { backend, ctx } = await mount();
    press("0");
    await vi.advanceTimersByTimeAsync(0);
    expect(backend.setSkipped).toHaveBeenCalledWith("0190-session", "q1", true);
    expect($(".progress").textContent).toBe("2 of 3");
    press("j");
    press("j");
    expect(ctx.go).toHaveBeenCalledWith({ name: "wrap", id: "0190-session" });
  });

  it("locks notes and ticks after submission", async () => {
    await mount(session({ status: "submitted" }));
    expect(notes().readOnly).toBe(true);
    expect($<HTMLInputElement>(".toggle input").disabled).toBe(true);
    expect($<HTMLElement>(".banner").hidden).toBe(false);
  });
});

describe("live helpers", () => {
  it("resumes at the first question neither scored nor skipped", () => {
    const s = session();
    expect(resumeIndex(s)).toBe(0);
    s.entries[0]!.score = 2;
    s.entries[1]!.skipped = true;
    expect(resumeIndex(s)).toBe(2);
    s.entries[2]!.score = 1;
    expect(resumeIndex(s)).toBe(0);
  });
  it("lists competencies in order with evidence", () => {
    const s = session();
    s.entries[1]!.score = 3;
    expect(competencyEvidence(s)).toEqual([
      { id: "data", name: "Data", evidence: true },
      { id: "apis", name: "APIs & web", evidence: false },
    ]);
  });
});
