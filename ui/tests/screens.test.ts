import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { SessionSummary } from "../src/bindings/SessionSummary";
import { PAGE_SIZE, homeScreen, pageLabel, sessionFilter } from "../src/screens/home";
import { competencyChart, summaryScreen } from "../src/screens/summary";
import { scoreText } from "../src/screens/wrapup";
import { newInterviewScreen } from "../src/screens/newInterview";
import { fakeBackend, fakeCtx, page, question, session } from "./fixtures";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));
vi.mock("@tauri-apps/api/event", () => ({ listen: vi.fn() }));

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(new Date("2026-11-22T10:00:00Z"));
});
afterEach(() => {
  document.body.replaceChildren();
  vi.useRealTimers();
});

function row(id: string, status: SessionSummary["status"], started: string): SessionSummary {
  return {
    id,
    candidate: `Cand ${id}`,
    interviewer: "Grace",
    role: "Backend",
    kit: null,
    status,
    created_at: started,
    started_at: started,
    finished_at: null,
    questions: 5,
    scored: 2,
    recommendation: status === "submitted" ? "yes" : null,
    imported: false,
    sealed: false,
  };
}

describe("home", () => {
  const now = Date.parse("2026-11-22T10:00:00Z");
  const rows = [
    row("a", "in_progress", "2026-11-22T09:00:00Z"),
    row("b", "submitted", "2026-11-18T09:00:00Z"),
    row("c", "submitted", "2026-10-01T09:00:00Z"),
  ];
  it("asks the core to filter by text, status and date range", () => {
    expect(sessionFilter("", "", "", now)).toEqual({ text: null, candidate: null });
    expect(sessionFilter("  ada ", "submitted", "", now)).toEqual({
      text: "ada",
      candidate: null,
      status: "submitted",
    });
    expect(sessionFilter("", "", "7d", now)).toEqual({ text: null, candidate: null, from: "2026-11-15T10:00:00.000Z" });
    expect(sessionFilter("", "in_progress", "30d", now)).toEqual({
      text: null,
      candidate: null,
      status: "in_progress",
      from: "2026-10-23T10:00:00.000Z",
    });
  });

  it("labels the page", () => {
    expect(pageLabel(page(rows), 0)).toBe("Sessions 1–3 of 3");
    expect(pageLabel(page(rows, 120), 50)).toBe("Sessions 51–53 of 120");
    expect(pageLabel(page([]), 0)).toBe("");
  });

  it("pages through the sessions with Previous and Next, and a new search starts at the first page", async () => {
    const backend = fakeBackend(session());
    // Keyset paging: the first page says where the next starts.
    const cursor = { created_at: "2026-11-20T09:00:00.000Z", id: "c" };
    backend.listSessions.mockImplementation(async (_f, after) =>
      after === null ? page(rows, 51, cursor) : page(rows.slice(0, 1), 51),
    );
    document.body.appendChild(homeScreen(fakeCtx(backend)).el);
    await vi.advanceTimersByTimeAsync(0);
    const prev = document.querySelector("button.page-prev") as HTMLButtonElement;
    const next = document.querySelector("button.page-next") as HTMLButtonElement;
    expect(document.querySelector(".page-label")!.textContent).toBe("Sessions 1–3 of 51");
    expect(prev.disabled).toBe(true);
    expect(next.disabled).toBe(false);
    expect(prev.hidden || next.hidden).toBe(false);
    next.click();
    await vi.advanceTimersByTimeAsync(0);
    expect(backend.listSessions).toHaveBeenLastCalledWith({ text: null, candidate: null }, cursor, PAGE_SIZE);
    expect(document.querySelector(".page-label")!.textContent).toBe("Sessions 51–51 of 51");
    expect(document.querySelectorAll(".session-row")).toHaveLength(1);
    expect(next.disabled).toBe(true);
    expect(prev.disabled).toBe(false);
    expect(document.activeElement).toBe(prev); // focus stays in the pager
    const status = document.querySelectorAll("select")[0] as HTMLSelectElement;
    status.value = "submitted";
    status.dispatchEvent(new Event("change"));
    await vi.advanceTimersByTimeAsync(0);
    expect(backend.listSessions).toHaveBeenLastCalledWith(
      { text: null, candidate: null, status: "submitted" },
      null,
      PAGE_SIZE,
    );
  });

  it("lists sessions and searches through the core", async () => {
    const backend = fakeBackend(session());
    backend.listSessions.mockResolvedValue(page(rows));
    const ctx = fakeCtx(backend);
    const screen = homeScreen(ctx);
    document.body.appendChild(screen.el);
    await vi.advanceTimersByTimeAsync(0);
    expect(document.querySelectorAll(".session-row")).toHaveLength(3);
    // One page: no Previous or Next to press.
    expect((document.querySelector("button.page-prev") as HTMLButtonElement).hidden).toBe(true);
    expect((document.querySelector("button.page-next") as HTMLButtonElement).hidden).toBe(true);
    const search = document.querySelector("input[type=search]") as HTMLInputElement;
    search.value = "grace";
    search.dispatchEvent(new Event("input"));
    await vi.advanceTimersByTimeAsync(200);
    expect(backend.listSessions).toHaveBeenLastCalledWith({ text: "grace", candidate: null }, null, PAGE_SIZE);
    (document.querySelector(".session-row") as HTMLButtonElement).click();
    expect(ctx.go).toHaveBeenCalledWith({ name: "live", id: "a" });
  });
});

describe("summary", () => {
  it("draws the chart with SVG elements and text nodes", () => {
    const svg = competencyChart(
      session({
        competency_averages: [
          { competency: "data", name: "<script>x</script>", questions: 2, scored: 2, average: 2.5 },
          { competency: "apis", name: "APIs", questions: 1, scored: 0, average: null },
        ],
      }),
    );
    expect(svg.namespaceURI).toBe("http://www.w3.org/2000/svg");
    expect(svg.querySelectorAll("rect.bar")).toHaveLength(1);
    expect(svg.querySelector("script")).toBeNull();
    expect(svg.textContent).toContain("<script>x</script>");
    expect(svg.getAttribute("aria-label")).toContain("2.5 of 4");
    expect(svg.textContent).toContain("no score yet");
  });

  it("shows labels for scores and offers Amend after submission", async () => {
    const s = session({ status: "submitted", recommendation: "yes" });
    s.entries[0]!.score = 3;
    s.entries[1]!.skipped = true;
    expect(scoreText(s.entries[0]!)).toBe("3 · Good");
    expect(scoreText(s.entries[1]!)).toBe("Skipped");
    expect(scoreText(s.entries[2]!)).toBe("Not scored");
    const backend = fakeBackend(s);
    const screen = summaryScreen(fakeCtx(backend), s.id);
    document.body.appendChild(screen.el);
    await vi.advanceTimersByTimeAsync(0);
    expect(document.querySelectorAll(".q-summary > li")).toHaveLength(3);
    expect(document.querySelectorAll("button[aria-label^='Amend score']")).toHaveLength(3);
    expect(document.body.textContent).toContain("Yes");
  });

  it("says when the questions were changed from the kit", async () => {
    for (const [modified, want] of [
      [true, "Backend fundamentals (questions changed from the kit)"],
      [false, "Backend fundamentals"],
    ] as const) {
      document.body.textContent = "";
      const s = session({ kit: "Backend fundamentals", kit_modified: modified });
      const screen = summaryScreen(fakeCtx(fakeBackend(s)), s.id);
      document.body.appendChild(screen.el);
      await vi.advanceTimersByTimeAsync(0);
      const kit = [...document.querySelectorAll(".meta dt")].find((dt) => dt.textContent === "Kit");
      expect(kit?.nextElementSibling?.textContent).toBe(want);
    }
  });
});

describe("new interview", () => {
  it("shows the core's time budget for the picked questions", async () => {
    const backend = fakeBackend(session());
    backend.budgetMinutes.mockImplementation(async (ids) => ids.length * 7);
    const ctx = fakeCtx(backend);
    ctx.bank = vi.fn(async () => ({
      competencies: [{ id: "data", name: "Data", description: "" }],
      questions: [question("q1", "data"), question("q2", "data")],
      kits: [],
    })) as typeof ctx.bank;
    document.body.appendChild(newInterviewScreen(ctx).el);
    await vi.advanceTimersByTimeAsync(0);
    const total = document.querySelector(".total") as HTMLElement;
    expect(total.textContent).toBe("0 questions · 0 min");
    (document.querySelector(".bank-results button:not([disabled])") as HTMLButtonElement).click();
    expect(total.getAttribute("aria-busy")).toBe("true");
    await vi.advanceTimersByTimeAsync(0);
    expect(backend.budgetMinutes).toHaveBeenLastCalledWith(["q1"]);
    expect(total.textContent).toBe("1 question · 7 min");
    expect(total.hasAttribute("aria-busy")).toBe(false);
    (document.querySelector(".bank-results button:not([disabled])") as HTMLButtonElement).click();
    await vi.advanceTimersByTimeAsync(0);
    expect(total.textContent).toBe("2 questions · 14 min");
  });
});
