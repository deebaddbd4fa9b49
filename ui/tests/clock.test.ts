import { describe, expect, it } from "vitest";
import { QuestionClock } from "../src/clock";

describe("QuestionClock", () => {
  it("returns whole seconds and carries the remainder to the next visit", () => {
    let now = 0;
    const c = new QuestionClock(() => now);
    c.start("q1");
    now = 2_600;
    expect(c.stop()).toEqual({ questionId: "q1", seconds: 2 });
    c.start("q2");
    now += 1_000;
    expect(c.stop()).toEqual({ questionId: "q2", seconds: 1 });
    c.start("q1");
    now += 500; // 600 ms carried + 500 ms
    expect(c.stop()).toEqual({ questionId: "q1", seconds: 1 });
  });

  it("restart keeps timing the same question (used by flushes)", () => {
    let now = 0;
    const c = new QuestionClock(() => now);
    c.start("q1");
    now = 5_000;
    expect(c.stop(true)).toEqual({ questionId: "q1", seconds: 5 });
    expect(c.current).toBe("q1");
    now = 7_000;
    expect(c.runningMs()).toBe(2_000);
    expect(c.stop()?.seconds).toBe(2);
    expect(c.stop()).toBeNull();
  });
});
