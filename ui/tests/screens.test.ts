import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { SessionSummary } from "../src/bindings/SessionSummary";
import { filterSummaries, homeScreen } from "../src/screens/home";
import { competencyAverages, competencyChart, summaryScreen } from "../src/screens/summary";
import { scoreText } from "../src/screens/wrapup";
import { fakeBackend, fakeCtx, session } from "./fixtures";

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
  it("filters by status and date range", () => {
    expect(filterSummaries(rows, "", "", now).map((r) => r.id)).toEqual(["a", "b", "c"]);
    expect(filterSummaries(rows, "submitted", "", now).map((r) => r.id)).toEqual(["b", "c"]);
    expect(filterSummaries(rows, "", "7d", now).map((r) => r.id)).toEqual(["a", "b"]);
    expect(filterSummaries(rows, "submitted", "30d", now).map((r) => r.id)).toEqual(["b"]);
  });

  it("lists sessions and searches through the core", async () => {
    const backend = fakeBackend(session());
    backend.listSessions.mockResolvedValue(rows);
    const ctx = fakeCtx(backend);
    const screen = homeScreen(ctx);
    document.body.appendChild(screen.el);
    await vi.advanceTimersByTimeAsync(0);
    expect(document.querySelectorAll(".session-row")).toHaveLength(3);
    const search = document.querySelector("input[type=search]") as HTMLInputElement;
    search.value = "grace";
    search.dispatchEvent(new Event("input"));
    await vi.advanceTimersByTimeAsync(200);
    expect(backend.listSessions).toHaveBeenLastCalledWith({ text: "grace", candidate: null });
    (document.querySelector(".session-row") as HTMLButtonElement).click();
    expect(ctx.go).toHaveBeenCalledWith({ name: "live", id: "a" });
  });
});

describe("summary", () => {
  it("averages per competency like the core", () => {
    const s = session();
    s.entries[0]!.score = 4;
    s.entries[1]!.score = 1;
    expect(competencyAverages(s)).toEqual([
      { competency: "data", name: "Data", questions: 2, scored: 2, average: 2.5 },
      { competency: "apis", name: "APIs & web", questions: 1, scored: 0, average: null },
    ]);
  });

  it("draws the chart with SVG elements and text nodes", () => {
    const svg = competencyChart(
      [
        { competency: "data", name: "<script>x</script>", questions: 2, scored: 2, average: 2.5 },
        { competency: "apis", name: "APIs", questions: 1, scored: 0, average: null },
      ],
      4,
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
});
