// Home: interviews grouped by candidate; delete an interview or an imported
// session and erase a candidate, each after a confirmation that says what
// goes; focus after each; import errors in one line; candidate clashes.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { SessionSummary } from "../src/bindings/SessionSummary";
import { BackendError } from "../src/backend";
import { menuButtonOf } from "../src/menu";
import { homeScreen, importErrorText } from "../src/screens/home";
import { fakeBackend, fakeCtx, page, session } from "./fixtures";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));
vi.mock("@tauri-apps/api/event", () => ({ listen: vi.fn() }));
vi.mock("@tauri-apps/api/webview", () => ({ getCurrentWebview: vi.fn() }));

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(new Date("2026-11-22T10:00:00Z"));
});
afterEach(() => {
  document.body.replaceChildren();
  vi.useRealTimers();
});

const $ = <T extends Element = HTMLElement>(sel: string) => document.querySelector(sel) as T;
const $$ = (sel: string) => [...document.querySelectorAll(sel)] as HTMLElement[];
const settle = () => vi.advanceTimersByTimeAsync(0);
const button = (text: string, root: ParentNode = document) =>
  [...root.querySelectorAll("button")].find((b) => b.textContent === text)!;

function row(id: string, candidate: string, extra: Partial<SessionSummary> = {}): SessionSummary {
  return {
    id,
    candidate,
    interviewer: "Grace",
    role: "Backend",
    kit: null,
    status: "in_progress",
    created_at: "2026-11-20T09:00:00Z",
    started_at: "2026-11-20T09:00:00Z",
    finished_at: null,
    questions: 7,
    scored: 3,
    recommendation: null,
    imported: false,
    sealed: false,
    ...extra,
  };
}

const rows = [
  row("1", "Lin Wei"),
  row("2", "Noor", { status: "submitted", recommendation: "yes" }),
  row("3", "Lin Wei", { interviewer: "Ravi", imported: true, status: "submitted" }),
  row("4", "Lin Wei", { status: "submitted", recommendation: "no" }),
];

async function mount(list = rows) {
  const backend = fakeBackend(session());
  backend.listSessions.mockResolvedValue(page(list));
  const ctx = fakeCtx(backend);
  const screen = homeScreen(ctx);
  document.body.appendChild(screen.el);
  await settle();
  return { backend, ctx };
}

describe("home lifecycle", () => {
  it("groups interviews by candidate, each group with its panel and erase buttons", async () => {
    await mount();
    const groups = $$(".candidate-group");
    expect(groups.map((g) => g.dataset.candidate)).toEqual(["Lin Wei", "Noor"]);
    expect(groups[0]!.querySelectorAll(".session-row")).toHaveLength(3);
    expect(groups[0]!.querySelector("h2")!.textContent).toBe("Lin Wei");
    expect(groups[0]!.querySelector("button[aria-label='Panel for Lin Wei']")).not.toBeNull();
    expect(groups[0]!.querySelector("button[aria-label='Erase Lin Wei']")).not.toBeNull();
  });

  it("names rows by their visible text (no aria-label that hides it)", async () => {
    await mount();
    for (const b of $$("button.session-row")) expect(b.hasAttribute("aria-label")).toBe(false);
    // Visible text is the start of each other button's accessible name.
    const words = (x: string) => x.replace(/[^\p{L}\p{N} ]/gu, "").trim();
    for (const b of $$("main button[aria-label]"))
      expect(b.getAttribute("aria-label")!.startsWith(words(b.textContent!))).toBe(true);
  });

  it("offers delete for own unsubmitted interviews and imported sessions only", async () => {
    await mount();
    expect($$("button.delete-btn").map((b) => b.dataset.session)).toEqual(["1", "3"]);
  });

  it("deletes after a confirmation that says what goes, then focuses the next row", async () => {
    const { backend } = await mount();
    $("button.delete-btn[data-session='1']").click();
    await settle();
    const dlg = $<HTMLDialogElement>("dialog[open]");
    expect(dlg.querySelector("h2")!.textContent).toBe("Delete Grace’s interview of Lin Wei?");
    expect(dlg.textContent).toContain("in progress session (3 of 7 questions scored)");
    expect(dlg.textContent).toContain("scores, notes, summary and audit entries, for good");
    backend.listSessions.mockResolvedValue(page(rows.filter((r) => r.id !== "1")));
    button("Delete for good", dlg).click();
    await settle();
    expect(backend.deleteSession).toHaveBeenCalledWith("1");
    expect($$("button.session-row").map((b) => b.dataset.session)).toEqual(["2", "3", "4"]);
    expect($$("button.session-row[data-session='1']")).toHaveLength(0);
    // Focus lands on the row now in the deleted one's place, not on the page body.
    expect(document.activeElement).toBe($("button.session-row[data-session='2']"));
  });

  it("cancelling a delete changes nothing and returns focus to the menu that held it", async () => {
    const { backend } = await mount();
    $("button.delete-btn[data-session='3']").click();
    await settle();
    expect($("dialog[open] h2").textContent).toBe("Delete Ravi’s imported session for Lin Wei?");
    button("Cancel", $("dialog[open]")).click();
    await settle();
    expect(backend.deleteSession).not.toHaveBeenCalled();
    expect(document.activeElement).toBe(menuButtonOf($("button.delete-btn[data-session='3']")));
  });

  it("erases a candidate after a confirmation naming the candidate and their sessions", async () => {
    const { backend } = await mount();
    backend.listSessions.mockResolvedValueOnce(page(rows.filter((r) => r.candidate === "Lin Wei")));
    $("button[aria-label='Erase Lin Wei']").click();
    await settle();
    expect(backend.listSessions).toHaveBeenLastCalledWith({ text: null, candidate: "Lin Wei" }, null, 500);
    const dlg = $<HTMLDialogElement>("dialog[open]");
    expect(dlg.textContent).toContain("This erases Lin Wei and all 3 of their sessions (2 of yours; 1 from Ravi)");
    expect(dlg.textContent).toContain("cannot be undone");
    backend.listSessions.mockResolvedValue(page(rows.filter((r) => r.candidate !== "Lin Wei")));
    button("Erase for good", dlg).click();
    await settle();
    expect(backend.eraseCandidate).toHaveBeenCalledWith("Lin Wei");
    expect($$(".candidate-group").map((g) => g.dataset.candidate)).toEqual(["Noor"]);
    expect(document.activeElement).toBe($("button.session-row[data-session='2']"));
    // No team server: nothing asked about one.
    expect(backend.eraseOnServer).not.toHaveBeenCalled();
  });

  it("with a team server, asks whether to erase there too, and erases there first", async () => {
    const { backend } = await mount();
    const team = await backend.teamSettings();
    backend.teamSettings.mockResolvedValue({ ...team, url: "https://team.example", has_token: true });
    const order: string[] = [];
    backend.eraseOnServer.mockImplementation(async () => (order.push("server"), 3));
    backend.eraseCandidate.mockImplementation(async () => (order.push("here"), { candidates: 1, sessions: 3 }));
    $("button[aria-label='Erase Lin Wei']").click();
    await settle();
    button("Erase for good", $("dialog[open]")).click();
    await settle();
    const dlg = $<HTMLDialogElement>("dialog[open]");
    expect(dlg.querySelector("h2")!.textContent).toBe("Erase Lin Wei on the team server too?");
    expect(dlg.textContent).toContain("admins only");
    button("Here and on the team server", dlg).click();
    await settle();
    expect(backend.eraseOnServer).toHaveBeenCalledWith("Lin Wei");
    expect(order).toEqual(["server", "here"]);

    // "Only here" leaves the server alone; a refusal there erases nothing here.
    backend.eraseOnServer.mockClear();
    backend.eraseCandidate.mockClear();
    $("button[aria-label='Erase Noor']").click();
    await settle();
    button("Erase for good", $("dialog[open]")).click();
    await settle();
    button("Only here", $("dialog[open]")).click();
    await settle();
    expect(backend.eraseOnServer).not.toHaveBeenCalled();
    expect(backend.eraseCandidate).toHaveBeenCalledWith("Noor");
  });

  it("a refusal on the team server erases nothing here", async () => {
    const { backend } = await mount();
    const team = await backend.teamSettings();
    backend.teamSettings.mockResolvedValue({ ...team, url: "https://team.example", has_token: true });
    backend.eraseOnServer.mockRejectedValue(new Error("the team server said 403 forbidden: only an admin"));
    $("button[aria-label='Erase Lin Wei']").click();
    await settle();
    button("Erase for good", $("dialog[open]")).click();
    await settle();
    button("Here and on the team server", $("dialog[open]")).click();
    await settle();
    expect(backend.eraseCandidate).not.toHaveBeenCalled();
  });
});

describe("import errors and clashes", () => {
  it("turns the parser's text into one clear line naming the file", () => {
    const raw =
      'broken.json: session file at session.entries[0].score: invalid type: string "x", expected i64 at line 1 column 220';
    const t = importErrorText(raw);
    // The parser's path ("(at …)") is jargon (issue 21): it stays in the details.
    expect(t.line).toBe("broken.json is not a Panelist session or plan file, or it is damaged.");
    expect(t.detail).toBe(raw);
    expect(importErrorText("x.json: session file: trailing characters at line 3 column 1").line).toBe(
      "x.json is not a Panelist session or plan file, or it is damaged.",
    );
    // Messages written for people stay as they are.
    const human = "a.json: session file content hash does not match: the file was edited or damaged";
    expect(importErrorText(human)).toEqual({ line: human, detail: null });
  });

  it("shows the one line (details folded away) and focuses the error", async () => {
    const { backend } = await mount([]);
    backend.importSessionFiles.mockRejectedValue(
      new BackendError("invalid", "broken.json: session file at format: missing field `format` at line 1 column 2"),
    );
    button("Import sessions…").click();
    await settle();
    expect($(".import-error p.error").textContent).toBe(
      "broken.json is not a Panelist session or plan file, or it is damaged.",
    );
    expect($(".import-error details").textContent).toContain("missing field");
    expect(document.activeElement).toBe($(".import-error h2"));
  });

  it("asks on a candidate clash and re-runs the import with the decision", async () => {
    const { backend } = await mount([]);
    backend.importSessionFiles.mockRejectedValue(
      new BackendError(
        "conflict",
        'ravi.json: session file for 1: candidate id 2 is "Lin Wei" here but the file names "Lin W."; import again choosing to merge them (file it under "Lin Wei") or keep them apart',
      ),
    );
    backend.importWithClash.mockResolvedValue([]);
    button("Import sessions…").click();
    await settle();
    const dlg = $<HTMLDialogElement>("dialog.clash-dialog");
    expect(dlg.textContent).toContain('the file names "Lin W."');
    button("Same person: merge", dlg).click();
    await settle();
    expect(backend.importWithClash).toHaveBeenCalledWith("merge");
    expect($(".import-result h2").textContent).toBe("Imported 0 files");
    expect(document.activeElement).toBe($("#import-title"));
  });

  it("cancelling the clash imports nothing", async () => {
    const { backend } = await mount([]);
    backend.importSessionFiles.mockRejectedValue(new BackendError("conflict", "x: choosing to merge them"));
    button("Import sessions…").click();
    await settle();
    button("Cancel", $("dialog.clash-dialog")).click();
    await settle();
    expect(backend.importWithClash).not.toHaveBeenCalled();
    expect($$(".import-error")).toHaveLength(0);
  });
});
