import { describe, expect, it } from "vitest";
import type { Question } from "../src/bindings/Question";
import { EMPTY_FILTER, addPicked, filterQuestions, kitNameFor, move, pickedSummary, removePicked } from "../src/kit";

function q(id: string, minutes: number, extra: Partial<Question> = {}): Question {
  return {
    id,
    prompt: `Prompt for ${id}`,
    competency: "data",
    seniority: "mid",
    kind: "concept",
    minutes,
    look_fors: [],
    follow_ups: [],
    rubric: { levels: [] },
    sources: [],
    ...extra,
  };
}

const bank = [
  q("sql-joins", 6, { prompt: "Explain SQL joins", competency: "data", seniority: "junior" }),
  q("cap", 8, {
    prompt: "What does the CAP theorem say?",
    competency: "distributed",
    seniority: "mid",
    kind: "concept",
  }),
  q("saga", 18, {
    prompt: "Order across three services",
    competency: "distributed",
    seniority: "senior",
    kind: "scenario",
    look_fors: ["compensating transaction"],
  }),
];

describe("kit summary line", () => {
  it("shows the count and the core's budget", () => {
    expect(pickedSummary(1, 8)).toBe("1 question · 8 min");
    expect(pickedSummary(3, 32)).toBe("3 questions · 32 min");
    expect(pickedSummary(2, null)).toBe("2 questions");
  });
});

describe("filtering the bank", () => {
  it("matches every word of the search in prompt, id or look-fors", () => {
    expect(filterQuestions(bank, { ...EMPTY_FILTER, text: "cap theorem" }).map((x) => x.id)).toEqual(["cap"]);
    expect(filterQuestions(bank, { ...EMPTY_FILTER, text: "COMPENSATING" }).map((x) => x.id)).toEqual(["saga"]);
    expect(filterQuestions(bank, { ...EMPTY_FILTER, text: "  " })).toHaveLength(3);
  });
  it("filters by competency, seniority and kind together", () => {
    expect(filterQuestions(bank, { ...EMPTY_FILTER, competency: "distributed" }).map((x) => x.id)).toEqual([
      "cap",
      "saga",
    ]);
    expect(
      filterQuestions(bank, { ...EMPTY_FILTER, competency: "distributed", kind: "scenario" }).map((x) => x.id),
    ).toEqual(["saga"]);
    expect(filterQuestions(bank, { ...EMPTY_FILTER, seniority: "junior" }).map((x) => x.id)).toEqual(["sql-joins"]);
  });
});

describe("ordering the picked list", () => {
  it("moves an item up and down, clamped at the ends", () => {
    expect(move(["a", "b", "c"], 2, -1)).toEqual(["a", "c", "b"]);
    expect(move(["a", "b", "c"], 0, 1)).toEqual(["b", "a", "c"]);
    expect(move(["a", "b", "c"], 0, -1)).toEqual(["a", "b", "c"]);
    expect(move(["a", "b", "c"], 2, 1)).toEqual(["a", "b", "c"]);
  });
  it("never picks a question twice", () => {
    expect(addPicked(["a"], "a")).toEqual(["a"]);
    expect(addPicked(["a"], "b")).toEqual(["a", "b"]);
    expect(removePicked(["a", "b"], "a")).toEqual(["b"]);
  });
  // Found: reordering a kit's questions silently dropped the interview from
  // that kit's Candidates comparison. The session keeps the kit it came from
  // (the core marks it as modified).
  it("records the kit a list came from, even reordered or trimmed", () => {
    const kit = { name: "System design", questions: ["cap", "saga"] };
    expect(kitNameFor(["cap", "saga"], kit)).toBe("System design");
    expect(kitNameFor(["saga", "cap"], kit)).toBe("System design");
    expect(kitNameFor(["cap"], kit)).toBe("System design");
    expect(kitNameFor(["cap", "sql-joins"], kit)).toBe("System design");
    // Nothing of the kit is left: it is not the kit's interview.
    expect(kitNameFor(["sql-joins"], kit)).toBeNull();
    expect(kitNameFor(["cap", "saga"], null)).toBeNull();
  });
});
