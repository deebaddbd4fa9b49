// Interview plans in the UI: My interviews in the core's groups (today,
// overdue), overdue said in words, starting one from its plan through the
// backend, names rendered as text; datetime-local values as instants. (The
// grouping and order are the core's: plan::tests::my_interviews_are_today_then_upcoming_then_overdue.)
import { afterEach, describe, expect, it, vi } from "vitest";
import type { MemberState } from "../src/bindings/MemberState";
import type { PlanSummary } from "../src/bindings/PlanSummary";
import type { PlanView } from "../src/bindings/PlanView";
import { homeScreen } from "../src/screens/home";
import { planScreen } from "../src/screens/plan";
import { localToIso, stateLabel } from "../src/screens/planModel";
import { fakeBackend, fakeCtx, page, session } from "./fixtures";

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

describe("Plan screen", () => {
  function view(): PlanView {
    return {
      plan: {
        id: "plan-1",
        candidate: { id: "cand-1", name: "Noor" },
        role: "Backend",
        coordinator: "Ada",
        created_at: "2027-03-01T09:00:00Z",
        updated_at: "2027-03-01T09:00:00Z",
        members: [],
      },
      imported: false,
      rounds: 1,
      members: [
        {
          member: {
            interviewer: "Grace",
            round: 1,
            kit: "Backend fundamentals",
            questions: ["q1"],
            focus: ["data"],
            at: null,
            due: "2027-03-09T10:00:00Z",
          },
          state: "overdue",
          session: null,
          seconds_to_submit: null,
        },
      ],
      coverage: {
        interviewers: ["Grace"],
        rows: [
          { competency: "data", name: "Data", cells: [{ questions: 1, focus: true }], gap: null, overlap: false },
          { competency: "ops", name: "Ops", cells: [{ questions: 2, focus: false }], gap: "unfocused", overlap: false },
        ],
      },
    };
  }

  it("shows states and coverage as tables, and reloads after an interview is attached", async () => {
    const b = fakeBackend(session());
    b.planView.mockResolvedValue(view());
    b.listSessions.mockResolvedValue(
      page([{ ...session(), id: "s-9", candidate: "Noor", interviewer: "Grace" } as never]),
    );
    document.body.appendChild(planScreen(fakeCtx(b), "plan-1").el);
    await vi.waitFor(() => expect(document.querySelector(".coverage-table")).not.toBeNull());
    expect(document.querySelector(".members-table tr.is-overdue .badge")!.textContent).toBe("Overdue");
    expect(document.querySelector("tr[data-competency='data'] td.is-focus")!.textContent).toBe("1 ★ focus");
    expect(document.querySelector("tr[data-competency='ops'] .coverage-note")!.textContent).toBe("Gap: nobody's focus");

    document.querySelector<HTMLButtonElement>("button[aria-label='Attach interview… for Grace']")!.click();
    await vi.waitFor(() => expect(document.querySelector("dialog select")).not.toBeNull());
    document.querySelector<HTMLFormElement>("dialog form")!.requestSubmit();
    await vi.waitFor(() => expect(b.planView).toHaveBeenCalledTimes(2));
    expect(b.attachSession).toHaveBeenCalledWith("plan-1", "s-9");
  });
});
