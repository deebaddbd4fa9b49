import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { BackendError, isTransient } from "../src/backend";
import { NOTES_IDLE_MS, NOTES_MAX_WAIT_MS, NotesAutosave, stampNotes } from "../src/notes";
import { SaveQueue } from "../src/saver";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));
vi.mock("@tauri-apps/api/event", () => ({ listen: vi.fn() }));

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

function setup(save = vi.fn(async (_q: string, _t: string) => undefined)) {
  const queue = new SaveQueue({ isTransient, backoff: (n) => 100 * n });
  const notes = new NotesAutosave(queue, save);
  return { queue, notes, save };
}

describe("notes autosave", () => {
  it("saves soon after the last keystroke, with the latest text only", async () => {
    const { notes, save } = setup();
    notes.edit("q1", "H");
    await vi.advanceTimersByTimeAsync(NOTES_IDLE_MS - 50);
    notes.edit("q1", "He");
    await vi.advanceTimersByTimeAsync(NOTES_IDLE_MS - 50);
    expect(save).not.toHaveBeenCalled();
    notes.edit("q1", "Hello");
    // The first keystroke was NOTES_MAX_WAIT_MS ago at the latest by now.
    await vi.advanceTimersByTimeAsync(NOTES_MAX_WAIT_MS - 2 * (NOTES_IDLE_MS - 50));
    expect(save).toHaveBeenCalledOnce();
    expect(save).toHaveBeenCalledWith("q1", "Hello");
  });

  it("saves within 300 ms of the last keystroke in every case", async () => {
    expect(NOTES_IDLE_MS).toBeLessThanOrEqual(300);
    expect(NOTES_MAX_WAIT_MS).toBeLessThanOrEqual(300);
    const { notes, save } = setup();
    notes.edit("q1", "x");
    await vi.advanceTimersByTimeAsync(300);
    expect(save).toHaveBeenCalledWith("q1", "x");
  });

  it("never waits more than 300 ms while someone keeps typing", async () => {
    const { notes, save } = setup();
    let text = "";
    for (let t = 0; t < 1000; t += 50) {
      text += "x";
      notes.edit("q1", text);
      await vi.advanceTimersByTimeAsync(50);
    }
    // 1 s of non-stop typing: a save at least every 300 ms.
    expect(save.mock.calls.length).toBeGreaterThanOrEqual(Math.floor(1000 / NOTES_MAX_WAIT_MS));
    const saved = save.mock.calls.map((c) => c[1] as string);
    // Each save holds everything typed up to at most 300 ms before it.
    for (let i = 1; i < saved.length; i++) expect(saved[i]!.length).toBeGreaterThan(saved[i - 1]!.length);
  });

  it("flush() hands the text over at once (question change, blur, exit)", async () => {
    const { notes, save } = setup();
    notes.edit("q1", "typed just now");
    expect(notes.hasDirty).toBe(true);
    const done = notes.flush(1000);
    await vi.advanceTimersByTimeAsync(0);
    await expect(done).resolves.toBe(true);
    expect(save).toHaveBeenCalledWith("q1", "typed just now");
    expect(notes.hasDirty).toBe(false);
  });

  it("keeps each question's text separate", async () => {
    const { notes, save } = setup();
    notes.edit("q1", "first");
    notes.commit();
    notes.edit("q2", "second");
    await vi.advanceTimersByTimeAsync(300);
    expect(save.mock.calls).toEqual([
      ["q1", "first"],
      ["q2", "second"],
    ]);
  });

  it("a failed save is retried with backoff and the newest text wins", async () => {
    let fail = 2;
    const written: string[] = [];
    const save = vi.fn(async (_q: string, t: string) => {
      if (fail > 0) {
        fail -= 1;
        throw new BackendError("database", "database is locked");
      }
      written.push(t);
    });
    const { notes, queue } = setup(save);
    notes.edit("q1", "draft");
    await vi.advanceTimersByTimeAsync(200);
    expect(queue.status).toBe("retrying");
    expect(notes.isUnsaved("q1")).toBe(true);
    notes.edit("q1", "draft, more");
    await vi.advanceTimersByTimeAsync(1000);
    expect(queue.status).toBe("saved");
    expect(written.at(-1)).toBe("draft, more");
    expect(notes.isUnsaved("q1")).toBe(false);
  });
});

describe("time stamps", () => {
  it("starts a new line unless the notes are empty or end with one", () => {
    expect(stampNotes("", "0:05")).toBe("[0:05] ");
    expect(stampNotes("Said X", "12:40")).toBe("Said X\n[12:40] ");
    expect(stampNotes("Said X\n", "1:02:03")).toBe("Said X\n[1:02:03] ");
  });
});
