// Interview plans in the UI: My interviews in the core's groups (today,
// overdue), overdue said in words, starting one from its plan through the
// backend, names rendered as text; datetime-local values as instants. (The
// grouping and order are the core's: plan::tests::my_interviews_are_today_then_upcoming_then_overdue.)
import { afterEach, describe, expect, it, vi } from "vitest";
import type { MemberState } from "../src/bindings/MemberState";
import type { PlanSummary } from "../src/bindings/PlanSummary";
import { homeScreen } from "../src/screens/home";
import { localToIso, stateLabel } from "../src/screens/planModel";
import { fakeBackend, fakeCtx, session } from "./fixtures";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));
vi.mock("@tauri-apps/api/event", () => ({ listen: vi.fn() }));
vi.mock("@tauri-apps/api/webview", () => ({ getCurrentWebview: vi.fn() }));

afterEach(() => document.body.replaceChildren());

const NOW = "2027-03-10T12:00:00";

function plan(candidate: string, state: MemberState, at: string | null, due: string | null): PlanSummary {
  return {
    id: `0190${candidate.length}-${candidate}`,
    candidate,
    role: "Backend",
    coordinator: "Ada",
    created_at: "2027-03-01T09:00:00Z",
    members: 2,
    submitted: 0,
    overdue: state === "overdue" ? 1 : 0,
    mine: {
      member: {
        interviewer: "Grace",
        round: 1,
        kit: "Backend fundamentals",
        questions: ["rest-api-design"],
        focus: [],
        at: at && new Date(at).toISOString(),
        due: due && new Date(due).toISOString(),
      },
      state,
      session: null,
      seconds_to_submit: null,
    },
  };
}

describe("localToIso", () => {
  it("reads a datetime-local value as local time, empty as none, anything else as not a time", () => {
    expect(localToIso("2027-03-10T09:30")).toBe(new Date(2027, 2, 10, 9, 30).toISOString());
    expect(localToIso("  ")).toBeNull();
    expect(localToIso("tomorrow")).toBeUndefined();
    expect(localToIso("2027-13-40T09:30")).toBeUndefined();
  });
});

describe("Home: My interviews", () => {
  it("shows the groups, says overdue in words, and starts an interview from its plan", async () => {
    const b = fakeBackend(session());
    const late = plan("<b>Lin</b> Wei", "overdue", "2027-03-08T10:00:00", "2027-03-09T10:00:00");
    const today = plan("Noor", "not_started", "2027-03-10T15:00:00", null);
    b.myInterviews.mockResolvedValue({
      name: "Grace",
      now: new Date(NOW).toISOString(),
      groups: [
        { group: "today", plans: [today] },
        { group: "overdue", plans: [late] },
      ],
    });
    const ctx = fakeCtx(b);
    const screen = homeScreen(ctx);
    document.body.appendChild(screen.el);
    await vi.waitFor(() => expect(document.querySelector(".my-group")).not.toBeNull());
    expect(b.myInterviews).toHaveBeenCalledWith(null);
    const titles = [...document.querySelectorAll(".my-group h3")].map((e) => e.textContent);
    expect(titles).toEqual(["Today", "Feedback overdue"]);
    const overdue = document.querySelector<HTMLElement>(".my-item.is-overdue")!;
    expect(overdue.querySelector(".badge")!.textContent).toBe("Feedback overdue");
    // A name is text, never markup.
    expect(overdue.querySelector(".my-candidate")!.textContent).toBe("<b>Lin</b> Wei");
    expect(overdue.querySelector("b")).toBeNull();

    const start = [...document.querySelectorAll<HTMLButtonElement>(".my-today button")].find(
      (x) => x.textContent === "Start",
    )!;
    start.click();
    await vi.waitFor(() => expect(ctx.go).toHaveBeenCalled());
    expect(b.startFromPlan).toHaveBeenCalledWith(today.id, "Grace");
    expect(ctx.go).toHaveBeenCalledWith({ name: "live", id: session().id });
  });

  it("asks for a first interview when no name is known", async () => {
    const b = fakeBackend(session());
    b.myInterviews.mockResolvedValue({ name: null, now: NOW, groups: [] } as never);
    document.body.appendChild(homeScreen(fakeCtx(b)).el);
    await vi.waitFor(() => expect(document.querySelector(".my-body .hint")).not.toBeNull());
    expect(document.querySelector(".my-body")!.textContent).toMatch(/under your name/);
  });

  it("labels every state", () => {
    expect(["not_started", "in_progress", "submitted", "overdue"].map((s) => stateLabel(s as MemberState))).toEqual([
      "Not started",
      "In progress",
      "Submitted",
      "Overdue",
    ]);
  });
});
