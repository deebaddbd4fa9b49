// Import a person understands (issue 21, What 3; issue 19, What 3 in the
// app): one result per file (a refused file in a plain sentence, its
// details folded away), plan files in the same batch, a colleague's changed
// key accepted from the app after comparing both fingerprints, messages
// never cut off, and one panel per candidate identity.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { ImportResult } from "../src/bindings/ImportResult";
import { importedCandidates } from "../src/panel";
import { homeScreen, importErrorText } from "../src/screens/home";
import type { ImportedFile } from "../src/types";
import { fakeBackend, fakeCtx, session } from "./fixtures";

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
const button = (label: string, root: ParentNode = document) =>
  [...root.querySelectorAll("button")].find((b) => b.textContent === label) as HTMLButtonElement;

function result(candidate: string, interviewer: string, extra: Partial<ImportResult> = {}): ImportResult {
  return {
    session_id: `s-${interviewer}`,
    candidate,
    interviewer,
    outcome: { kind: "added" },
    candidate_note: null,
    signed_by: "1a2b-3c4d-5e6f-7a8b",
    key_note: null,
    sealed: false,
    ...extra,
  };
}

const ravi: ImportedFile = {
  file: "ravi.json",
  path: "/x/ravi.json",
  result: result("Ada Lovelace", "Ravi Kumar"),
  candidate_key: "ada lovelace",
};
const mei: ImportedFile = {
  file: "mei.json",
  path: "/x/mei.json",
  result: result("ada lovelace", "Mei Chen"),
  candidate_key: "ada lovelace",
};
const hello: ImportedFile = {
  file: "hello.json",
  path: "/x/hello.json",
  refused: {
    line: "hello.json is not a Panelist session or plan file, or it is damaged.",
    detail: "session file at hello: unknown field `hello`, expected one of `format` at line 1 column 8",
    code: "invalid",
    key_change: null,
    clash: false,
  },
};
const plan: ImportedFile = {
  file: "ada.plan.json",
  path: "/x/ada.plan.json",
  plan: {
    plan_id: "p-1",
    candidate: "Ada Lovelace",
    coordinator: "Carol Coordinator",
    what: "added",
    candidate_note: null,
    signed_by: "9f9f-0000-1111-2222",
    key_note: "first file from Carol Coordinator: key 9f9f-0000-1111-2222 pinned; check it with them",
  },
  candidate_key: "ada lovelace",
};
const changed: ImportedFile = {
  file: "mei-new-laptop-with-a-long-name.json",
  path: "/x/mei-new-laptop-with-a-long-name.json",
  refused: {
    line: "mei-new-laptop-with-a-long-name.json is signed with a new key for Mei Chen: check both fingerprints with Mei Chen before accepting it.",
    detail:
      "session file for 0192f1a2-3b4c-7d5e-8f60-123456789abc: signed by key aaaa-bbbb-cccc-dddd, but the key pinned for Mei Chen is 1111-2222-3333-4444; if Mei Chen has a new installation, confirm the new key with them and import again accepting it",
    code: "conflict",
    key_change: { who: "Mei Chen", pinned: "1111-2222-3333-4444", new: "aaaa-bbbb-cccc-dddd" },
    clash: false,
  },
};

async function mountWith(files: ImportedFile[]) {
  const backend = fakeBackend(session());
  backend.importSessionFiles.mockResolvedValue(files);
  const ctx = fakeCtx(backend);
  document.body.appendChild(homeScreen(ctx).el);
  await settle();
  button("Import sessions…").click();
  await settle();
  return { backend, ctx };
}

describe("import, file by file", () => {
  it("imports the good files and refuses the bad one in a plain sentence with details folded", async () => {
    await mountWith([ravi, hello, mei]);
    expect($(".import-result h2").textContent).toBe("Imported 2 of 3 files");
    const items = $$(".import-files li");
    expect(items.map((li) => li.dataset.outcome)).toEqual(["added", "refused", "added"]);
    const refused = items[1]!;
    expect(refused.querySelector(".refusal")!.textContent).toBe(
      "hello.json is not a Panelist session or plan file, or it is damaged.",
    );
    // The parser's words are folded away, not in the sentence.
    const details = refused.querySelector("details")!;
    expect(details.open).toBe(false);
    expect(details.textContent).toContain("unknown field");
    expect(refused.querySelector(".refusal")!.textContent).not.toContain("(at ");
  });

  it("imports a plan file in the same batch and reports it in its own line", async () => {
    const { ctx } = await mountWith([ravi, plan]);
    expect($(".import-result h2").textContent).toBe("Imported 2 files");
    const li = $$(".import-files li")[1]!;
    expect(li.dataset.outcome).toBe("plan");
    expect(li.textContent).toContain("ada.plan.json");
    expect(li.textContent).toContain("Interview plan for Ada Lovelace (coordinator Carol Coordinator)");
    expect(li.textContent).toContain("added");
    button("Open plans").click();
    expect(ctx.go).toHaveBeenCalledWith({ name: "plans" });
  });

  it("offers one panel per candidate identity, however the files spell the name", async () => {
    await mountWith([ravi, mei, plan, hello]);
    const open = $$(".import-open button").map((b) => b.textContent);
    expect(open).toEqual(["Open panel: Ada Lovelace", "Open plans"]);
    expect(importedCandidates([ravi, mei, hello, plan])).toEqual(["Ada Lovelace"]);
  });
});

describe("a colleague's changed key", () => {
  it("shows both fingerprints and imports the file only after the person accepts", async () => {
    const { backend } = await mountWith([ravi, changed]);
    const li = $$(".import-files li")[1]!;
    // The whole sentence, fix included.
    expect(li.querySelector(".refusal")!.textContent).toBe(changed.refused!.line);
    button("Accept the new key…", li).click();
    await settle();
    const dlg = $<HTMLDialogElement>("dialog.key-dialog");
    expect(dlg.textContent).toContain("Mei Chen");
    expect(dlg.querySelector(".fp-pinned")!.textContent).toContain("1111-2222-3333-4444");
    expect(dlg.querySelector(".fp-new")!.textContent).toContain("aaaa-bbbb-cccc-dddd");
    button("Cancel", dlg).click();
    await settle();
    expect(backend.acceptNewKey).not.toHaveBeenCalled();

    backend.acceptNewKey.mockResolvedValue({
      ...changed,
      refused: undefined,
      result: result("Ada Lovelace", "Mei Chen", {
        signed_by: "aaaa-bbbb-cccc-dddd",
        key_note: "Mei Chen's key changed from 1111-2222-3333-4444 to aaaa-bbbb-cccc-dddd (accepted)",
      }),
      candidate_key: "ada lovelace",
    });
    button("Accept the new key…", $$(".import-files li")[1]!).click();
    await settle();
    button("Accept the new key", $("dialog.key-dialog")).click();
    await settle();
    expect(backend.acceptNewKey).toHaveBeenCalledWith(changed.path, "aaaa-bbbb-cccc-dddd");
    const after = $$(".import-files li")[1]!;
    expect(after.dataset.outcome).toBe("added");
    expect(after.textContent).toContain("(accepted)");
    expect($(".import-result h2").textContent).toBe("Imported 2 files");
  });
});

describe("a candidate clash in a batch", () => {
  it("imports the other files, asks about the clashing one and re-runs only it", async () => {
    const clashing: ImportedFile = {
      file: "lin.json",
      path: "/x/lin.json",
      refused: {
        line: "lin.json names a candidate whose id belongs to someone else here: choose whether they are the same person.",
        detail:
          'session file for 1: candidate id 2 is "Lin Wei" here but the file names "Lin W."; import again choosing to merge them (file it under "Lin Wei") or keep them apart',
        code: "conflict",
        key_change: null,
        clash: true,
      },
    };
    const backend = fakeBackend(session());
    backend.importSessionFiles.mockResolvedValue([ravi, clashing]);
    backend.importWithClash.mockResolvedValue([
      { ...clashing, refused: undefined, result: result("Lin Wei", "Li Na"), candidate_key: "lin wei" },
    ]);
    document.body.appendChild(homeScreen(fakeCtx(backend)).el);
    await settle();
    button("Import sessions…").click();
    await settle();
    const dlg = $<HTMLDialogElement>("dialog.clash-dialog");
    expect(dlg.textContent).toContain('lin.json: session file for 1: candidate id 2 is "Lin Wei"');
    button("Same person: merge", dlg).click();
    await settle();
    expect(backend.importWithClash).toHaveBeenCalledWith("merge");
    expect($$(".import-files li").map((li) => li.dataset.outcome)).toEqual(["added", "added"]);
    expect($(".import-result h2").textContent).toBe("Imported 2 files");
  });
});

describe("whole-import errors", () => {
  it("never cuts a message off and keeps parser paths out of the sentence", () => {
    const long = `mei.json: ${changed.refused!.detail}`;
    expect(long.length).toBeGreaterThan(240);
    expect(importErrorText(long).line).toContain("import again accepting it");
    const raw = "hello.json: session file at hello: unknown field `hello`, expected `format` at line 1 column 8";
    expect(importErrorText(raw).line).toBe("hello.json is not a Panelist session or plan file, or it is damaged.");
  });
});
