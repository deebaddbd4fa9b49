import { describe, expect, it, vi } from "vitest";
import type { BankQuestion } from "../src/bindings/BankQuestion";
import {
  EMPTY_BANK_FILTER,
  docOf,
  emptyForm,
  excerpt,
  fieldLabel,
  formOf,
  inputFor,
  progressText,
  searchBank,
} from "../src/screens/bankModel";
import type { BankProgress } from "../src/bindings/BankProgress";

function bq(id: string, extra: Partial<BankQuestion["question"]> = {}, more: Partial<BankQuestion> = {}): BankQuestion {
  return {
    question: {
      id,
      prompt: `Prompt for ${id}`,
      competency: "data",
      seniority: "mid",
      kind: "concept",
      minutes: 5,
      look_fors: [],
      follow_ups: [],
      rubric: {
        levels: [
          { value: 1, label: "Poor", anchor: "Nothing useful." },
          { value: 4, label: "Excellent", anchor: "Explains quorum reads." },
        ],
      },
      sources: ["003.txt"],
      ...extra,
    },
    revision: 1,
    retired: false,
    kits: [],
    ...more,
  };
}

const bank = [
  bq("rest", { prompt: "Design a REST API", look_fors: ["Mentions idempotency keys"], competency: "apis" }),
  bq(
    "cache",
    { follow_ups: ["What about a stampede?"], kind: "scenario", seniority: "senior" },
    { kits: ["System design"] },
  ),
  bq("old", { prompt: "Retired thing" }, { retired: true }),
];

describe("searching the bank", () => {
  it("matches every field and says why", () => {
    const hits = searchBank(bank, { ...EMPTY_BANK_FILTER, text: "idempotency" });
    expect(hits.map((h) => h.q.question.id)).toEqual(["rest"]);
    expect(hits[0]?.reasons).toEqual(["matched in look-for: Mentions idempotency keys"]);
    const anchor = searchBank(bank, { ...EMPTY_BANK_FILTER, text: "QUORUM" });
    expect(anchor.map((h) => h.q.question.id)).toEqual(["rest", "cache"]);
    expect(anchor[0]?.reasons[0]).toBe("matched in level 4 (Excellent): Explains quorum reads.");
    const two = searchBank(bank, { ...EMPTY_BANK_FILTER, text: "stampede system" });
    expect(two[0]?.reasons).toEqual(["matched in follow-up: What about a stampede?", "matched in kit: System design"]);
    expect(searchBank(bank, { ...EMPTY_BANK_FILTER, text: "stampede nowhere" })).toEqual([]);
  });
  it("filters, hides retired questions unless asked", () => {
    const ids = (f: Partial<typeof EMPTY_BANK_FILTER>) =>
      searchBank(bank, { ...EMPTY_BANK_FILTER, ...f }).map((h) => h.q.question.id);
    expect(ids({})).toEqual(["rest", "cache"]);
    expect(ids({ retired: "all" })).toEqual(["rest", "cache", "old"]);
    expect(ids({ retired: "retired" })).toEqual(["old"]);
    expect(ids({ kit: "System design" })).toEqual(["cache"]);
    expect(ids({ competency: "apis" })).toEqual(["rest"]);
    expect(ids({ seniority: "senior", kind: "scenario" })).toEqual(["cache"]);
  });
  it("cuts long matches to an excerpt", () => {
    const long = `${"a".repeat(100)} needle ${"b".repeat(100)}`;
    const e = excerpt(long, 101, 6);
    expect(e).toContain("needle");
    expect(e.startsWith("…") && e.endsWith("…")).toBe(true);
  });
});

describe("the question form", () => {
  it("starts with four levels on the 1–4 scale and round-trips a question", () => {
    const f = emptyForm("data");
    expect(f.levels.map((l) => l.value)).toEqual(["1", "2", "3", "4"]);
    const q = bank[0]!.question;
    const doc = docOf(formOf(q));
    expect(doc.look_fors).toEqual(q.look_fors);
    expect(doc.levels).toEqual(q.rubric.levels);
    expect(doc.minutes).toBe(5);
  });
  it("keeps bad numbers for the core to refuse", () => {
    const f = { ...emptyForm("data"), minutes: "abc" };
    f.levels[3]!.value = "five";
    const doc = docOf(f);
    expect(doc.minutes).toBe(0);
    expect(doc.levels[3]?.value).toBe(-1);
  });
  it("maps the core's field paths to inputs", () => {
    expect(inputFor("levels[1].anchor: must not be empty")).toEqual({
      key: "levels.1.anchor",
      text: "must not be empty",
    });
    expect(inputFor("levels[3].value: 5 is not on the scale (1, 2, 3, 4)")?.key).toBe("levels.3.value");
    expect(inputFor('id: a question with id "x" already exists')?.key).toBe("id");
    expect(inputFor("look_fors[2]: must not be empty")?.key).toBe("lookFors");
    expect(inputFor("levels: needs at least 2 levels, found 1")?.key).toBe("levels");
    expect(inputFor("database error: disk full")).toBeNull();
    expect(fieldLabel("levels[4].anchor")).toBe("Level 4 anchor");
    expect(fieldLabel("look_fors[0]")).toBe("Look-for 1");
    expect(fieldLabel("prompt")).toBe("Prompt");
  });
});

describe("the question editor screen", () => {
  it("shows the core's refusal at its field and saves nothing else", async () => {
    const { BackendError } = await import("../src/backend");
    const { fakeBackend, fakeCtx, session } = await import("./fixtures");
    const { questionEditorScreen } = await import("../src/screens/bankEditor");
    const backend = fakeBackend(session());
    const catalog = {
      competencies: [{ competency: { id: "data", name: "Data", description: "" }, retired: false }],
      questions: [],
      kits: [],
    };
    const saveQuestion = vi.fn(async () => {
      throw new BackendError("invalid", "levels[1].anchor: must not be empty");
    });
    Object.assign(backend, { bankCatalog: vi.fn(async () => catalog), saveQuestion });
    const ctx = fakeCtx(backend);
    const screen = questionEditorScreen(ctx);
    document.body.appendChild(screen.el);
    await vi.waitFor(() => expect(screen.el.querySelectorAll(".bank-level")).toHaveLength(4));
    const form = screen.el.querySelector("form") as HTMLFormElement;
    form.dispatchEvent(new Event("submit", { cancelable: true }));
    await vi.waitFor(() => expect(saveQuestion).toHaveBeenCalledTimes(1));
    const anchors = screen.el.querySelectorAll<HTMLTextAreaElement>(".bank-level textarea");
    await vi.waitFor(() => expect(anchors[1]?.getAttribute("aria-invalid")).toBe("true"));
    const msgId = anchors[1]?.getAttribute("aria-describedby") ?? "";
    expect(document.getElementById(msgId.split(" ").pop() ?? "")?.textContent).toBe("must not be empty");
    expect(anchors[0]?.hasAttribute("aria-invalid")).toBe(false);
    expect(screen.el.querySelector(".bank-summary")?.textContent).toBe("Not saved. Level 2 anchor: must not be empty");
    expect(ctx.go).not.toHaveBeenCalled();
    screen.el.remove();
  });
});

describe("importing a large bank file", () => {
  it("words each phase of the progress", () => {
    expect(progressText({ phase: "reading", done: 0, total: 3 * 1048576 })).toBe("Reading the file (3.0 MB)…");
    expect(progressText({ phase: "checking", done: 0, total: 100000 })).toBe("Checking 100,000 questions…");
    expect(progressText({ phase: "saving", done: 35000, total: 100000 })).toBe("Saving 35,000 of 100,000 questions…");
  });

  it("moves a progress bar with the shell's reports and announces only each phase", async () => {
    const { fakeBackend, fakeCtx, session } = await import("./fixtures");
    const { bankScreen } = await import("../src/screens/bank");
    const backend = fakeBackend(session());
    let report: ((p: BankProgress) => void) | undefined;
    const unlisten = vi.fn();
    let finish: (v: unknown) => void = () => undefined;
    Object.assign(backend, {
      bankCatalog: vi.fn(async () => ({ competencies: [], questions: [], kits: [] })),
      onBankImportProgress: vi.fn(async (h: (p: BankProgress) => void) => {
        report = h;
        return unlisten;
      }),
      importBankFile: vi.fn(() => new Promise((resolve) => (finish = resolve))),
    });
    const ctx = fakeCtx(backend);
    ctx.bank = vi.fn(async () => ({ competencies: [], questions: [], kits: [] })) as typeof ctx.bank;
    const screen = bankScreen(ctx);
    document.body.appendChild(screen.el);
    const bar = screen.el.querySelector("progress") as HTMLProgressElement;
    const status = screen.el.querySelector(".bank-busy") as HTMLElement;
    expect(bar.hidden).toBe(true);
    const importBtn = [...screen.el.querySelectorAll("button")].find((b) => b.textContent === "Import bank file…");
    importBtn!.click();
    await vi.waitFor(() => expect(backend.importBankFile).toHaveBeenCalled());
    report!({ phase: "saving", done: 0, total: 1000 });
    expect(status.textContent).toBe("Saving 0 of 1,000 questions…");
    report!({ phase: "saving", done: 500, total: 1000 });
    expect(bar.hidden).toBe(false);
    expect(bar.value).toBe(500);
    expect(bar.max).toBe(1000);
    expect(bar.getAttribute("aria-valuetext")).toBe("Saving 500 of 1,000 questions…");
    // The status line (read out) did not change within the phase.
    expect(status.textContent).toBe("Saving 0 of 1,000 questions…");
    finish({ questions_added: 1000, questions_updated: 0, questions_unchanged: 0, competencies: 1, kits: 0 });
    await vi.waitFor(() => expect(status.textContent).toContain("1000 questions added"));
    expect(bar.hidden).toBe(true);
    expect(unlisten).toHaveBeenCalled();
    screen.el.remove();
  });
});
