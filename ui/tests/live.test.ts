import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { BackendError } from "../src/backend";
import { flushAll } from "../src/flush";
import { competencyEvidence, liveScreen, resumeIndex } from "../src/screens/live";
import { entry, fakeBackend, fakeCtx, question, session } from "./fixtures";

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

function codeOf(key: string): string | undefined {
  if (/^[a-z]$/i.test(key)) return `Key${key.toUpperCase()}`;
  if (/^[0-9]$/.test(key)) return `Digit${key}`;
  return undefined;
}
function press(key: string, target: Element | Document = document.body, extra: KeyboardEventInit = {}) {
  const ev = new KeyboardEvent("keydown", { key, code: codeOf(key), bubbles: true, cancelable: true, ...extra });
  target.dispatchEvent(ev);
  return ev;
}
/** Alt+key, the command chord. */
const alt = (key: string, target: Element | Document = document.body) => press(key, target, { altKey: true });
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
    alt("3");
    expect(pressed()).toEqual(["3"]);
    await vi.advanceTimersByTimeAsync(0);
    expect(backend.setScore).toHaveBeenLastCalledWith("0190-session", "q1", 3);
    expect($(".chip").getAttribute("aria-label")).toBe("Data: has evidence");
    alt("3");
    await vi.advanceTimersByTimeAsync(0);
    expect(pressed()).toEqual([]);
    expect(backend.setScore).toHaveBeenLastCalledWith("0190-session", "q1", null);
  });

  it("toggles look-fors and follow-ups with their keys", async () => {
    const { backend } = await mount();
    alt("s");
    alt("z");
    await vi.advanceTimersByTimeAsync(0);
    expect(backend.setLookFor).toHaveBeenCalledWith("0190-session", "q1", 1, true);
    expect(backend.setFollowUp).toHaveBeenCalledWith("0190-session", "q1", 0, true);
    alt("s");
    await vi.advanceTimersByTimeAsync(0);
    expect(backend.setLookFor).toHaveBeenLastCalledWith("0190-session", "q1", 1, false);
    alt("h"); // look-for 6 does not exist here
    await vi.advanceTimersByTimeAsync(0);
    expect(backend.setLookFor).toHaveBeenCalledTimes(2);
  });

  it("leaves plain keys in the notes to the notes; chords still work there; Esc leaves", async () => {
    const { backend } = await mount();
    alt("n");
    expect(document.activeElement).toBe(notes());
    for (const k of ["1", "j", "0", "a", "w"]) expect(press(k, notes()).defaultPrevented).toBe(false);
    await vi.advanceTimersByTimeAsync(0);
    expect(backend.setScore).not.toHaveBeenCalled();
    expect($(".progress").textContent).toBe("1 of 3");
    alt("2", notes());
    await vi.advanceTimersByTimeAsync(0);
    expect(backend.setScore).toHaveBeenLastCalledWith("0190-session", "q1", 2);
    expect(document.activeElement).toBe(notes());
    press("Escape", notes());
    expect(document.activeElement).not.toBe(notes());
    press("ArrowRight", document.body, { altKey: true });
    expect($(".progress").textContent).toBe("2 of 3");
  });

  it("puts a sentence typed anywhere into the notes, never a command", async () => {
    const { backend, ctx } = await mount();
    const sentence = "she said caching 0123456789 jkwnt asdfgh zxcv? OK!";
    // Focus on the page body, then on a level button and a look-for box.
    (document.activeElement as HTMLElement | null)?.blur();
    press(sentence[0]!, document.body);
    expect(document.activeElement).toBe(notes());
    for (const ch of sentence.slice(1)) {
      // In a real window the browser types into the focused notes; here the
      // key must at least not be taken as a command.
      const ev = press(ch, notes());
      expect(ev.defaultPrevented).toBe(false);
      type(ch);
    }
    $<HTMLButtonElement>(".level").focus();
    press("x", $(".level"));
    $<HTMLInputElement>(".toggle input").focus();
    press("y", $(".toggle input"));
    await vi.advanceTimersByTimeAsync(300);
    expect(notes().value).toBe(`${sentence}xy`);
    expect(backend.setNotes).toHaveBeenLastCalledWith("0190-session", "q1", `${sentence}xy`);
    expect(backend.setScore).not.toHaveBeenCalled();
    expect(backend.setSkipped).not.toHaveBeenCalled();
    expect(backend.setLookFor).not.toHaveBeenCalled();
    expect(backend.setFollowUp).not.toHaveBeenCalled();
    expect(ctx.go).not.toHaveBeenCalled();
    expect($(".progress").textContent).toBe("1 of 3");
  });

  it("announces every command and undoes scores, skips and ticks with Ctrl+Z", async () => {
    const { backend } = await mount();
    const said = () => $(".key-feedback").textContent;
    expect($(".key-feedback").getAttribute("aria-live")).toBe("polite");
    alt("3");
    expect(said()).toBe("Level 3 — Good");
    alt("a");
    expect(said()).toBe("Look-for 1 ✓");
    alt("z");
    expect(said()).toBe("Follow-up 1 asked ✓");
    press("z", document.body, { ctrlKey: true });
    expect(said()).toBe("Undone: Follow-up 1 asked ✓");
    press("z", document.body, { ctrlKey: true });
    press("z", document.body, { ctrlKey: true });
    await vi.advanceTimersByTimeAsync(0);
    expect(pressed()).toEqual([]);
    expect(backend.setScore).toHaveBeenLastCalledWith("0190-session", "q1", null);
    expect(backend.setLookFor).toHaveBeenLastCalledWith("0190-session", "q1", 0, false);
    expect(backend.setFollowUp).toHaveBeenLastCalledWith("0190-session", "q1", 0, false);
    // A skip is undone on its question, which shows again.
    alt("2");
    alt("0");
    expect($(".progress").textContent).toBe("2 of 3");
    press("z", document.body, { ctrlKey: true });
    expect($(".progress").textContent).toBe("1 of 3");
    await vi.advanceTimersByTimeAsync(0);
    expect(pressed()).toEqual(["2"]);
    expect(backend.setScore).toHaveBeenLastCalledWith("0190-session", "q1", 2);
    press("z", document.body, { ctrlKey: true });
    press("z", document.body, { ctrlKey: true });
    expect(said()).toBe("Nothing to undo");
  });

  it("drops '· skipped' once a skipped question is scored", async () => {
    const s = session();
    for (const e of s.entries) e.skipped = true;
    await mount(s);
    expect($<HTMLElement>(".skipped-mark").hidden).toBe(false);
    alt("2");
    expect($<HTMLElement>(".skipped-mark").hidden).toBe(true);
  });

  it("counts only running time: starts from the saved clock, pauses and resumes", async () => {
    const { backend } = await mount(session({ interview_seconds: 125 }));
    const all = () => document.querySelectorAll(".timer")[1]!.textContent;
    expect(all()).toBe("2:05 / 15:00");
    await vi.advanceTimersByTimeAsync(10_000);
    expect(all()).toBe("2:15 / 15:00");
    alt("p");
    await vi.advanceTimersByTimeAsync(0);
    expect(backend.addTime).toHaveBeenLastCalledWith("0190-session", "q1", 10);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(all()).toBe("2:15 / 15:00");
    alt("t");
    expect(notes().value).toBe("[2:15] ");
    $<HTMLButtonElement>(".pause-btn").click();
    await vi.advanceTimersByTimeAsync(5_000);
    expect(all()).toBe("2:20 / 15:00");
  });

  it("shows a persistent Paused bar until Resume, which resumes from the bar", async () => {
    await mount();
    const bar = () => $<HTMLElement>(".paused-bar");
    expect(bar().hidden).toBe(true);
    alt("p");
    // Still there long after the spoken feedback has faded.
    await vi.advanceTimersByTimeAsync(60_000);
    expect(bar().hidden).toBe(false);
    expect(bar().textContent).toContain("Paused");
    expect(document.querySelector(".timer.paused")?.textContent ?? "").not.toMatch(/[\u23f8\u23ef]/u);
    $<HTMLButtonElement>(".paused-bar .resume-btn").click();
    expect(bar().hidden).toBe(true);
    expect($<HTMLButtonElement>(".pause-btn").textContent).toBe("Pause");
  });

  it("says over budget in words, not only in colour", async () => {
    await mount(session({ interview_seconds: 15 * 60 + 1 }));
    const [q, all] = [...document.querySelectorAll(".timer")] as HTMLElement[];
    expect(all!.textContent).toBe("15:01 / 15:00 over");
    expect(all!.classList.contains("over")).toBe(true);
    expect(q!.textContent).not.toContain("over");
  });

  it("offers Wrap-up before the last question, and once on the last", async () => {
    const { ctx } = await mount();
    const wrap = $<HTMLButtonElement>(".wrap-btn");
    expect(wrap.hidden).toBe(false);
    expect(wrap.getAttribute("aria-keyshortcuts")).toBe("Alt+W");
    wrap.click();
    expect(ctx.go).toHaveBeenCalledWith({ name: "wrap", id: "0190-session" });
  });

  it("keeps the feedback in the status bar, apart from the timers", async () => {
    await mount();
    alt("s");
    const feedback = $<HTMLElement>(".key-feedback");
    expect(feedback.textContent).toBe("Look-for 2 ✓");
    expect(feedback.closest(".subbar")).not.toBeNull();
    expect(feedback.contains($(".timers"))).toBe(false);
    expect($(".timers").contains(feedback)).toBe(false);
  });

  it("gives every look-for and follow-up of a long list its own key", async () => {
    const lf = Array.from({ length: 9 }, (_, i) => `look-for ${i + 1}`);
    const fu = Array.from({ length: 6 }, (_, i) => `follow-up ${i + 1}`);
    const q = question("q1", "data", { look_fors: lf, follow_ups: fu });
    const { backend } = await mount(session({ entries: [entry(q, "Data")] }));
    const boxes = [...document.querySelectorAll<HTMLInputElement>(".live-checks input[type=checkbox]")];
    expect(boxes).toHaveLength(15);
    const keys = boxes.map((b) => b.getAttribute("aria-keyshortcuts"));
    expect(new Set(keys).size).toBe(15);
    expect(keys.every((k) => k !== null)).toBe(true);
    for (const k of ["a", "s", "d", "f", "g", "h", "j", "k", "l"]) alt(k);
    for (const k of ["z", "x", "c", "v", "b", "m"]) alt(k);
    await vi.advanceTimersByTimeAsync(0);
    expect(backend.setLookFor).toHaveBeenCalledTimes(9);
    expect(backend.setLookFor).toHaveBeenLastCalledWith("0190-session", "q1", 8, true);
    expect(backend.setFollowUp).toHaveBeenCalledTimes(6);
    expect(backend.setFollowUp).toHaveBeenLastCalledWith("0190-session", "q1", 5, true);
  });

  it("saves the running time every 15 s so a crash loses little", async () => {
    const { backend } = await mount();
    await vi.advanceTimersByTimeAsync(15_000);
    expect(backend.addTime).toHaveBeenCalledWith("0190-session", "q1", 15);
  });

  it("keeps a draft's clock still until it is started", async () => {
    const { backend } = await mount(session({ status: "draft", started_at: null }));
    expect($<HTMLElement>(".draft-banner").hidden).toBe(false);
    await vi.advanceTimersByTimeAsync(20_000);
    expect(document.querySelectorAll(".timer")[1]!.textContent).toBe("0:00 / 15:00");
    $<HTMLButtonElement>(".draft-banner button").click();
    await vi.advanceTimersByTimeAsync(3_000);
    expect(backend.startSession).toHaveBeenCalledWith("0190-session");
    expect($<HTMLElement>(".draft-banner").hidden).toBe(true);
    expect(document.querySelectorAll(".timer")[1]!.textContent).toBe("0:03 / 15:00");
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
    press("ArrowRight", document.body, { altKey: true });
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
    press("ArrowRight", document.body, { altKey: true });
    await vi.advanceTimersByTimeAsync(0);
    // Saved every 15 s while running, the rest on leaving: 65 s in all.
    const calls = backend.addTime.mock.calls as unknown as [string, string, number][];
    const q1 = calls.filter((c) => c[1] === "q1").map((c) => c[2]);
    expect(q1.reduce((a, b) => a + b, 0)).toBe(65);
    press("ArrowLeft", document.body, { altKey: true });
    expect($(".timer").textContent).toBe("1:05 / 5:00");
  });

  it("stamps the notes with the interview time", async () => {
    await mount();
    await vi.advanceTimersByTimeAsync(12 * 60_000 + 40_000);
    alt("t");
    expect(notes().value).toBe("[12:40] ");
    expect(document.activeElement).toBe(notes());
  });

  it("skips with Alt+0 and goes to wrap-up from the last question", async () => {
    const { backend, ctx } = await mount();
    alt("0");
    await vi.advanceTimersByTimeAsync(0);
    expect(backend.setSkipped).toHaveBeenCalledWith("0190-session", "q1", true);
    expect($(".progress").textContent).toBe("2 of 3");
    press("Enter", document.body, { ctrlKey: true });
    press("Enter", document.body, { ctrlKey: true });
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
