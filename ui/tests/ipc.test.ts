// The IPC seen from the page: every command goes through the typed functions
// generated from its Rust declaration (src-tauri/src/ipc.in ->
// src/bindings/commands.ts), so a wrong name, argument or result type does
// not compile; backend.ts keeps turning failures into BackendError.
// @vitest-environment node
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { invoke } from "@tauri-apps/api/core";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { BackendError, backend, isTransient } from "../src/backend";
import { commands, type Invoke } from "../src/bindings/commands";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));
vi.mock("@tauri-apps/api/event", () => ({ listen: vi.fn() }));
vi.mock("@tauri-apps/api/webview", () => ({ getCurrentWebview: vi.fn() }));

const invoked = vi.mocked(invoke);

beforeEach(() => {
  invoked.mockReset();
  invoked.mockResolvedValue(null);
});

describe("generated commands", () => {
  const sent: [string, Record<string, unknown>][] = [];
  const fake: Invoke = async <T>(command: string, args: Record<string, unknown>) => {
    sent.push([command, args]);
    return null as T;
  };
  const typed = commands(fake);

  it("send the Rust name and the declared arguments in camelCase", async () => {
    await typed.setNotes("s1", "q1", "notes");
    await typed.listSessions({ text: null, candidate: null }, null, 50);
    await typed.appInfo();
    expect(sent).toEqual([
      ["set_notes", { sessionId: "s1", questionId: "q1", notes: "notes" }],
      ["list_sessions", { filter: { text: null, candidate: null }, after: null, limit: 50 }],
      ["app_info", {}],
    ]);
  });

  it("do not type-check with arguments Rust does not take", () => {
    // Each line is a compile error (`npm run check`); the test runs none.
    const never = (f: () => unknown) => expect(typeof f).toBe("function");
    // @ts-expect-error notes are a string in Rust
    never(() => typed.setNotes("s1", "q1", 5));
    // @ts-expect-error list_sessions takes a filter, a cursor and a limit
    never(() => typed.listSessions(0, 50));
    // @ts-expect-error there is no such command
    never(() => typed.setNote("s1", "q1", "x"));
    // @ts-expect-error the result of get_session is a SessionView, not a string
    never((): Promise<string> => typed.getSession("s1"));
  });

  it("are each used by backend.ts", () => {
    const src = readFileSync(fileURLToPath(new URL("../src/backend.ts", import.meta.url)), "utf8");
    const unused = Object.keys(typed).filter((name) => !src.includes(`ipc.${name}(`));
    expect(unused).toEqual([]);
  });
});

describe("backend over the generated commands", () => {
  it("sends what Rust declares", async () => {
    await backend.createSession({ candidate: "Lin", interviewer: "Ada", role: "", kit: null, question_ids: [] });
    await backend.importWithClash("merge");
    await backend.importSessionFiles();
    await backend.submit("s1", "yes", null);
    expect(invoked.mock.calls).toEqual([
      [
        "create_session",
        {
          new: { candidate: "Lin", interviewer: "Ada", role: "", kit: null, question_ids: [] },
          draft: false,
        },
      ],
      ["import_session_files", { paths: null, clash: "merge" }],
      ["import_session_files", { paths: null, clash: null }],
      ["submit_session", { sessionId: "s1", recommendation: "yes", summary: null }],
    ]);
  });

  it("turns failures into BackendError, transient or not", async () => {
    invoked.mockRejectedValueOnce({ code: "database", message: "disk I/O error" });
    const err = await backend.setNotes("s1", "q1", "x").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BackendError);
    expect((err as BackendError).code).toBe("database");
    expect(isTransient(err)).toBe(true);

    invoked.mockRejectedValueOnce({ code: "sealed", message: "submit yours first" });
    const sealed = await backend.compareCandidate("Lin").catch((e: unknown) => e);
    expect((sealed as BackendError).code).toBe("sealed");
    expect(isTransient(sealed)).toBe(false);
  });
});
