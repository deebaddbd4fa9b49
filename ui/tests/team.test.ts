import { afterEach, describe, expect, it, vi } from "vitest";
import type { SyncStatus } from "../src/bindings/SyncStatus";
import { BackendError } from "../src/backend";
import type { SyncConflict } from "../src/bindings/SyncConflict";
import type { SetAside } from "../src/bindings/SetAside";
import {
  conflictText,
  connectionText,
  encryptionText,
  sentence,
  setAsideText,
  statusText,
  takeServerCopyMessage,
  teamScreen,
  tokenStoreText,
} from "../src/screens/team";
import { syncIndicator, syncText } from "../src/sync";
import { OFF, fakeBackend, fakeCtx, session } from "./fixtures";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));
vi.mock("@tauri-apps/api/event", () => ({ listen: vi.fn() }));

afterEach(() => document.body.replaceChildren());

const st = (s: Partial<SyncStatus>): SyncStatus => ({ ...OFF, ...s });
const flush = () => new Promise((r) => setTimeout(r, 0));

describe("sync indicator", () => {
  it("says synced, N waiting, offline, or the error's reason; nothing when no server is set", () => {
    expect(syncText(st({}))).toBe("");
    expect(syncText(st({ waiting: 2 }))).toBe("");
    expect(syncText(st({ state: "synced" }))).toBe("Synced");
    expect(syncText(st({ state: "waiting", waiting: 1 }))).toBe("1 waiting to sync");
    expect(syncText(st({ state: "offline", waiting: 3 }))).toBe("Offline · 3 waiting");
    expect(syncText(st({ state: "error", message: "the team server said 401 unauthorized: revoked" }))).toBe(
      "Sync error: the team server said 401 unauthorized: revoked",
    );
    expect(syncText(st({ state: "synced", conflicts: 1 }))).toBe("Synced · 1 in conflict");
  });

  it("is a polite live region that follows the shell's events and stops when disposed", async () => {
    const backend = fakeBackend(session());
    let push: (s: SyncStatus) => void = () => undefined;
    const unlisten = vi.fn();
    backend.onSyncStatus.mockImplementation(async (h: (s: SyncStatus) => void) => {
      push = h;
      return unlisten;
    });
    backend.syncStatus.mockResolvedValue(st({ state: "waiting", waiting: 2 }));
    const ind = syncIndicator(backend);
    await flush();
    expect(ind.el.getAttribute("role")).toBe("status");
    expect(ind.el.getAttribute("aria-live")).toBe("polite");
    expect(ind.el.textContent).toBe("2 waiting to sync");
    push(st({ state: "offline", waiting: 2 }));
    expect(ind.el.textContent).toBe("Offline · 2 waiting");
    expect(ind.el.dataset.state).toBe("offline");
    ind.dispose();
    expect(unlisten).toHaveBeenCalled();
    push(st({ state: "synced" }));
    expect(ind.el.textContent).toBe("Offline · 2 waiting");
  });
});

describe("team screen", () => {
  it("says where the token is kept", () => {
    const base = { url: null, user: null, status: OFF, token_path: "/home/a/.config/x/team-token" };
    expect(tokenStoreText({ ...base, has_token: true, token_store: "keyring" })).toBe(
      "Your token is kept in the OS keyring.",
    );
    expect(tokenStoreText({ ...base, has_token: true, token_store: "file" })).toContain(
      "a file only you can read: /home/a/.config/x/team-token",
    );
    expect(statusText(st({ state: "synced", last_sync: null }))).toBe("Synced");
    expect(statusText(OFF)).toBe("No team server set.");
  });

  it("saves the URL and token, clears the token field, and syncs on request", async () => {
    const backend = fakeBackend(session());
    const saved = {
      url: "https://team.example",
      user: "Grace",
      has_token: true,
      token_store: "file" as const,
      token_path: "/tmp/cfg/team-token",
      status: st({ state: "synced" }),
    };
    backend.setTeamServer.mockResolvedValue(saved);
    backend.syncNow.mockResolvedValue(st({ state: "offline", waiting: 1, message: "cannot reach" }));
    const screen = teamScreen(fakeCtx(backend));
    document.body.appendChild(screen.el);
    await flush();
    const url = screen.el.querySelector<HTMLInputElement>("input[name=url]")!;
    const token = screen.el.querySelector<HTMLInputElement>("input[name=token]")!;
    const form = screen.el.querySelector("form")!;
    // A missing token is named, nothing is saved.
    url.value = "https://team.example";
    form.dispatchEvent(new Event("submit", { cancelable: true }));
    expect(screen.el.querySelector(".team-error")!.textContent).toMatch(/^Token:/);
    expect(backend.setTeamServer).not.toHaveBeenCalled();
    token.value = "pnl_abc";
    form.dispatchEvent(new Event("submit", { cancelable: true }));
    await flush();
    expect(backend.setTeamServer).toHaveBeenCalledWith("https://team.example", "pnl_abc");
    expect(token.value).toBe("");
    expect(screen.el.textContent).toContain("Signed in as Grace.");
    expect(screen.el.querySelector(".team-status")!.textContent).toBe("Synced");
    const btn = [...screen.el.querySelectorAll("button")].find((b) => b.textContent === "Sync now")!;
    btn.click();
    await flush();
    expect(screen.el.querySelector(".team-status")!.textContent).toBe("Offline · 1 waiting");
  });

  it("shows the shell's one-line error for a bad URL", async () => {
    const backend = fakeBackend(session());
    backend.setTeamServer.mockRejectedValue(
      new BackendError("invalid", 'url: "ftp://x" is not an http:// or https:// URL'),
    );
    const screen = teamScreen(fakeCtx(backend));
    document.body.appendChild(screen.el);
    await flush();
    screen.el.querySelector<HTMLInputElement>("input[name=url]")!.value = "ftp://x";
    screen.el.querySelector<HTMLInputElement>("input[name=token]")!.value = "pnl_abc";
    screen.el.querySelector("form")!.dispatchEvent(new Event("submit", { cancelable: true }));
    await flush();
    expect(screen.el.querySelector(".team-error")!.textContent).toMatch(/^url: /);
  });
});

describe("encryption at rest on the Team screen", () => {
  it("says where the key is, and says plainly when the database is not encrypted", async () => {
    expect(encryptionText("keyring")).toContain("OS keyring");
    expect(encryptionText("passphrase")).toContain("passphrase");
    expect(encryptionText("plain")).toContain("NOT encrypted");
    const backend = fakeBackend(session());
    backend.encryptionStatus.mockResolvedValue("plain");
    const screen = teamScreen(fakeCtx(backend));
    document.body.append(screen.el);
    await flush();
    const line = screen.el.querySelector(".team-encryption") as HTMLElement;
    expect(line.dataset.encryption).toBe("plain");
    expect(line.textContent).toBe(encryptionText("plain"));
  });
});

const CONFLICT: SyncConflict = {
  id: "019ab000-0000-7000-8000-000000000001",
  candidate: "Cand One",
  interviewer: "Ann Archer",
  local_revision: 3,
  server_revision: 3,
  reason: "the server refused this revision: revision 3 diverges from the one held",
};
const ASIDE: SetAside = {
  id: "019ab000-0000-7000-8000-000000000002",
  candidate: "Cand Three",
  interviewer: "Lee Lead",
  revision: 2,
  reason: "session file for 019ab: unsigned, but the key pinned for Lee Lead is 1a2b",
  at: "2026-12-05T10:00:00Z",
};
const button = (root: ParentNode, text: string) =>
  [...root.querySelectorAll("button")].find((b) => b.textContent === text) as HTMLButtonElement;

describe("conflicts, set-aside sessions and the connection test on the Team screen", () => {
  it("words each line as one sentence", () => {
    expect(sentence("cannot reach it: the name was not found")).toBe("Cannot reach it: the name was not found.");
    expect(sentence("Done.")).toBe("Done.");
    expect(connectionText({ reach: "refused", sentence: "127.0.0.1:9 refused the connection", user: null })).toBe(
      "127.0.0.1:9 refused the connection.",
    );
    expect(conflictText(CONFLICT)).toBe("Cand One — Ann Archer: revision 3 here, server's copy revision 3");
    expect(conflictText({ ...CONFLICT, server_revision: null })).toContain("not here yet");
    expect(setAsideText(ASIDE)).toBe(
      "Cand Three — Lee Lead (revision 2): Session file for 019ab: unsigned, but the key pinned for Lee Lead is 1a2b.",
    );
    expect(takeServerCopyMessage(CONFLICT)).toContain("erased for good");
  });

  it("lists conflicts and set-aside sessions, and takes the server's copy only after a confirmation", async () => {
    const backend = fakeBackend(session());
    backend.teamProblems.mockResolvedValue({ conflicts: [CONFLICT], set_aside: [ASIDE] });
    backend.takeServerCopy.mockResolvedValue({
      id: CONFLICT.id,
      candidate: "Cand One",
      replaced_revision: 3,
      revision: 3,
      own: true,
      sentence: "took the server's copy of Cand One",
    });
    const screen = teamScreen(fakeCtx(backend));
    document.body.appendChild(screen.el);
    await flush();
    const card = screen.el.querySelector<HTMLElement>(".team-problems")!;
    expect(card.hidden).toBe(false);
    expect(card.querySelector(".team-conflict")!.textContent).toContain("Cand One — Ann Archer");
    expect(card.querySelector(".team-aside")!.textContent).toContain("key pinned for Lee Lead");

    // Cancel: nothing happens.
    button(card, "Take the server's copy").click();
    await flush();
    expect(document.querySelector("dialog")!.textContent).toContain("erased for good");
    button(document, "Cancel").click();
    await flush();
    expect(backend.takeServerCopy).not.toHaveBeenCalled();

    // Confirmed: the copy is taken, the list reloads without it.
    backend.teamProblems.mockResolvedValue({ conflicts: [], set_aside: [ASIDE] });
    button(card, "Take the server's copy").click();
    await flush();
    button(document.querySelector("dialog")!, "Take the server's copy").click();
    await flush();
    await flush();
    expect(backend.takeServerCopy).toHaveBeenCalledWith(CONFLICT.id);
    expect(card.querySelector(".team-resolved")!.textContent).toBe("Took the server's copy of Cand One.");
    expect(card.querySelector(".team-conflict")).toBeNull();
    expect(card.querySelector(".team-aside")).not.toBeNull();
  });

  it("a refused resolution is shown in one line and the button comes back", async () => {
    const backend = fakeBackend(session());
    backend.teamProblems.mockResolvedValue({ conflicts: [CONFLICT], set_aside: [] });
    backend.takeServerCopy.mockRejectedValue(
      new BackendError("invalid", "session 019ab: the server's copy has not reached this machine yet"),
    );
    const screen = teamScreen(fakeCtx(backend));
    document.body.appendChild(screen.el);
    await flush();
    const card = screen.el.querySelector<HTMLElement>(".team-problems")!;
    button(card, "Take the server's copy").click();
    await flush();
    button(document.querySelector("dialog")!, "Take the server's copy").click();
    await flush();
    await flush();
    const said = card.querySelector<HTMLElement>(".team-resolved")!;
    expect(said.textContent).toContain("has not reached this machine yet");
    expect(said.dataset.kind).toBe("error");
    expect(button(card, "Take the server's copy").disabled).toBe(false);
  });

  it("hides the card when nothing needs the user", async () => {
    const backend = fakeBackend(session());
    const screen = teamScreen(fakeCtx(backend));
    document.body.appendChild(screen.el);
    await flush();
    expect(screen.el.querySelector<HTMLElement>(".team-problems")!.hidden).toBe(true);
  });

  it("tests the connection and says the reason", async () => {
    const backend = fakeBackend(session());
    backend.teamSettings.mockResolvedValue({
      url: "https://nonexistent.invalid",
      user: null,
      has_token: true,
      token_store: "file",
      token_path: "/tmp/cfg/team-token",
      status: st({ state: "offline" }),
    });
    backend.testConnection.mockResolvedValue({
      reach: "name_lookup",
      sentence: 'the name "nonexistent.invalid" could not be looked up: check the server address and your network',
      user: null,
    });
    const screen = teamScreen(fakeCtx(backend));
    document.body.appendChild(screen.el);
    await flush();
    const test = button(screen.el, "Test connection");
    expect(test.disabled).toBe(false);
    test.click();
    await flush();
    const line = screen.el.querySelector<HTMLElement>(".team-test")!;
    expect(line.textContent).toBe(
      'The name "nonexistent.invalid" could not be looked up: check the server address and your network.',
    );
    expect(line.dataset.reach).toBe("name_lookup");
    expect(line.getAttribute("role")).toBe("status");
  });

  it("tests what is typed in the form before it is saved", async () => {
    const backend = fakeBackend(session());
    const screen = teamScreen(fakeCtx(backend));
    document.body.appendChild(screen.el);
    await flush();
    const test = button(screen.el, "Test connection");
    expect(test.disabled).toBe(true);
    const url = screen.el.querySelector<HTMLInputElement>('input[name="url"]')!;
    const token = screen.el.querySelector<HTMLInputElement>('input[name="token"]')!;
    url.value = " https://panel.example.com ";
    url.dispatchEvent(new Event("input"));
    expect(test.disabled).toBe(false);
    token.value = "tok-123";
    test.click();
    await flush();
    expect(backend.testConnection).toHaveBeenCalledWith("https://panel.example.com", "tok-123");
    expect(backend.setTeamServer).not.toHaveBeenCalled();
  });
});
