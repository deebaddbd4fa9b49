import { afterEach, describe, expect, it, vi } from "vitest";
import type { SyncStatus } from "../src/bindings/SyncStatus";
import { BackendError } from "../src/backend";
import { encryptionText, statusText, teamScreen, tokenStoreText } from "../src/screens/team";
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
