import { describe, expect, it } from "vitest";
import { againstBudget, clock, durationText, parseRedFlags, recommendationLabel, secondsSince } from "../src/format";

describe("clock", () => {
  it("formats minutes and seconds", () => {
    expect(clock(0)).toBe("0:00");
    expect(clock(5)).toBe("0:05");
    expect(clock(75)).toBe("1:15");
    expect(clock(760)).toBe("12:40");
  });
  it("adds hours past 60 minutes", () => {
    expect(clock(3600)).toBe("1:00:00");
    expect(clock(3725)).toBe("1:02:05");
  });
  it("never goes negative and drops fractions", () => {
    expect(clock(-4)).toBe("0:00");
    expect(clock(59.9)).toBe("0:59");
  });
});

describe("againstBudget", () => {
  it("shows elapsed against the budget and flags overruns", () => {
    expect(againstBudget(760, 45)).toEqual({ text: "12:40 / 45:00", over: false });
    expect(againstBudget(6 * 60, 6)).toEqual({ text: "6:00 / 6:00", over: false });
    expect(againstBudget(6 * 60 + 1, 6).over).toBe(true);
  });
});

describe("secondsSince", () => {
  it("counts whole seconds from an ISO time", () => {
    const t = Date.parse("2026-11-22T09:00:00.000Z");
    expect(secondsSince("2026-11-22T09:00:00.000Z", t + 12_999)).toBe(12);
  });
  it("is 0 for missing, bad or future times", () => {
    expect(secondsSince(null, 1000)).toBe(0);
    expect(secondsSince("not a date", 1000)).toBe(0);
    expect(secondsSince("2030-01-01T00:00:00Z", Date.parse("2026-01-01T00:00:00Z"))).toBe(0);
  });
});

describe("durationText", () => {
  it("speaks in minutes and hours", () => {
    expect(durationText(10)).toBe("under a minute");
    expect(durationText(12 * 60 + 20)).toBe("12 min");
    expect(durationText(65 * 60)).toBe("1 h 05 min");
  });
});

describe("red flags", () => {
  it("takes one flag per non-empty line, trimmed", () => {
    expect(parseRedFlags(" one \r\n\n two\n   \n")).toEqual(["one", "two"]);
    expect(parseRedFlags("")).toEqual([]);
  });
  it("labels recommendations", () => {
    expect(recommendationLabel("strong-no")).toBe("Strong no");
    expect(recommendationLabel("none")).toBe("No decision");
    expect(recommendationLabel(null)).toBe("Not given");
  });
});
