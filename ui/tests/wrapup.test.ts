import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { BackendError } from "../src/backend";
import { newInterviewScreen } from "../src/screens/newInterview";
import { summaryScreen } from "../src/screens/summary";
import { wrapUpScreen } from "../src/screens/wrapup";
import { fakeBackend, fakeCtx, question, session } from "./fixtures";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));
vi.mock("@tauri-apps/api/event", () => ({ listen: vi.fn() }));

// jsdom has no <dialog> methods.
beforeEach(() => {
  vi.useFakeTimers();
  HTMLDialogElement.prototype.showModal = function (this: HTMLDialogElement) {
    this.setAttribute("open", "");
  };
  HTMLDialogElement.prototype.close = function (this: HTMLDialogElement) {
    this.removeAttribute("open");
    this.dispatchEvent(new Event("close"));
  };
});
afterEach(() => {
  document.body.replaceChildren();
  vi.useRealTimers();
});

const $ = <T extends Element>(sel: string) => document.querySelector(sel) as T;
const button = (text: string) =>
  [...document.querySelectorAll("button")].find((b) => b.textContent === text) as HTMLButtonElement;

describe("wrap-up: edit details before submit", () => {
  it("saves candidate, role and interviewer through the core and shows them", async () => {
    const s = session();
    const backend = fakeBackend(s);
    backend.editSessionDetails.mockImplementation(async (_id, d) => ({
      ...structuredClone(s),
      candidate: { id: "c2", name: d.candidate.trim() },
      role: d.role,
      interviewer: d.interviewer,
    }));
    document.body.appendChild(wrapUpScreen(fakeCtx(backend), s.id).el);
    await vi.advanceTimersByTimeAsync(0);
    button("Edit details…").click();
    const inputs = document.querySelectorAll<HTMLInputElement>("dialog[open] input");
    inputs[0]!.value = "Linus Torvalds";
    inputs[1]!.value = "Kernel";
    button("Save details").click();
    await vi.advanceTimersByTimeAsync(0);
    expect(backend.editSessionDetails).toHaveBeenCalledWith(s.id, {
      candidate: "Linus Torvalds",
      role: "Kernel",
      interviewer: "Grace",
    });
    expect($("dialog[open]")).toBeNull();
    expect($(".details-line").textContent).toBe("Linus Torvalds · Kernel · interviewed by Grace");
    expect($("h1").textContent).toBe("Wrap-up: Linus Torvalds");
  });

  it("shows an empty name and the core's refusal inline, and saves nothing", async () => {
    const s = session();
    const backend = fakeBackend(s);
    backend.editSessionDetails.mockRejectedValue(new BackendError("locked", "session is submitted"));
    document.body.appendChild(wrapUpScreen(fakeCtx(backend), s.id).el);
    await vi.advanceTimersByTimeAsync(0);
    button("Edit details…").click();
    const inputs = document.querySelectorAll<HTMLInputElement>("dialog[open] input");
    inputs[0]!.value = "  ";
    button("Save details").click();
    await vi.advanceTimersByTimeAsync(0);
    expect($("dialog[open] .error").textContent).toBe("Who is the candidate?");
    expect(backend.editSessionDetails).not.toHaveBeenCalled();
    inputs[0]!.value = "X";
    button("Save details").click();
    await vi.advanceTimersByTimeAsync(0);
    expect($("dialog[open] .error").textContent).toBe("Not saved: session is submitted");
  });

  it("offers no edit after submission", async () => {
    const s = session({ status: "submitted", recommendation: "yes" });
    document.body.appendChild(wrapUpScreen(fakeCtx(fakeBackend(s)), s.id).el);
    await vi.advanceTimersByTimeAsync(0);
    expect(button("Edit details…").hidden).toBe(true);
  });
});

describe("summary: amend", () => {
  it("says so inline when the reason is empty, and focuses the heading after amending", async () => {
    const s = session({ status: "submitted", recommendation: "yes" });
    s.entries[0]!.score = 3;
    const backend = fakeBackend(s);
    backend.amendScore.mockImplementation(async () => structuredClone(s));
    document.body.appendChild(summaryScreen(fakeCtx(backend), s.id).el);
    await vi.advanceTimersByTimeAsync(0);
    expect(document.activeElement).toBe($("h1"));
    (document.querySelector("button[aria-label^='Amend score']") as HTMLButtonElement).click();
    $<HTMLInputElement>("dialog[open] input[value='2']").click();
    button("Amend score").click();
    await vi.advanceTimersByTimeAsync(0);
    expect($("dialog[open] .error").textContent).toBe("Say why the score changes.");
    expect($("dialog[open] form").hasAttribute("novalidate")).toBe(true);
    expect(backend.amendScore).not.toHaveBeenCalled();
    $<HTMLTextAreaElement>("dialog[open] textarea").value = "Re-read the notes.";
    button("Amend score").click();
    await vi.advanceTimersByTimeAsync(0);
    expect(backend.amendScore).toHaveBeenCalledWith(s.id, "q1", 2, "Re-read the notes.");
    expect(document.activeElement).toBe($("h1"));
  });
});

describe("new interview: save as draft", () => {
  it("creates a draft and goes home instead of starting", async () => {
    const s = session({ status: "draft", started_at: null });
    const backend = fakeBackend(s);
    backend.createSession.mockImplementation(async () => structuredClone(s));
    const ctx = fakeCtx(backend);
    ctx.bank = vi.fn(async () => ({
      competencies: [{ id: "data", name: "Data", description: "" }],
      questions: [question("q1", "data")],
      kits: [],
    })) as typeof ctx.bank;
    document.body.appendChild(newInterviewScreen(ctx).el);
    await vi.advanceTimersByTimeAsync(0);
    expect($("main")).not.toBeNull();
    const inputs = document.querySelectorAll<HTMLInputElement>(".new-form input[type=text]");
    inputs[0]!.value = "Ada";
    inputs[2]!.value = "Grace";
    (document.querySelector(".bank-results button:not([disabled])") as HTMLButtonElement).click();
    await vi.advanceTimersByTimeAsync(0);
    button("Save as draft").click();
    await vi.advanceTimersByTimeAsync(0);
    expect(backend.createSession).toHaveBeenCalledWith(
      { candidate: "Ada", role: "", interviewer: "Grace", kit: null, question_ids: ["q1"] },
      true,
    );
    expect(ctx.go).toHaveBeenCalledWith({ name: "home" });
  });
});
