import { afterEach, describe, expect, it, vi } from "vitest";
import { BackendError } from "../src/backend";
import { backupText, encryptionText, passphraseProblem, settingsScreen } from "../src/screens/settings";
import { unlockScreen } from "../src/screens/unlock";
import { fakeBackend, fakeCtx, session } from "./fixtures";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));
vi.mock("@tauri-apps/api/event", () => ({ listen: vi.fn() }));

afterEach(() => document.body.replaceChildren());

const flush = () => new Promise((r) => setTimeout(r, 0));

describe("the start dialog of a passphrase database", () => {
  it("has a labelled password field; a wrong passphrase is one line and the field is ready again", async () => {
    const root = document.createElement("div");
    document.body.append(root);
    const backend = fakeBackend(session());
    backend.unlockDatabase
      .mockRejectedValueOnce(
        new BackendError("invalid", "Wrong passphrase: it does not open this database. Try again."),
      )
      .mockResolvedValueOnce("passphrase");
    let opened = false;
    const done = unlockScreen(root, backend, "/home/ada/panelist.db").then(() => (opened = true));
    const input = root.querySelector<HTMLInputElement>("input[type=password]")!;
    const label = root.querySelector(`label[for="${input.id}"]`)!;
    expect(label.textContent).toBe("Passphrase");
    expect(document.activeElement).toBe(input);
    // Nothing else of the app is on the page.
    expect(root.querySelectorAll("button")).toHaveLength(1);
    const form = root.querySelector("form")!;

    input.value = "guess";
    form.dispatchEvent(new Event("submit", { cancelable: true }));
    await flush();
    const error = root.querySelector("[role=alert]")!;
    expect(error.textContent).toBe("Wrong passphrase: it does not open this database. Try again.");
    expect(input.value).toBe("");
    expect(input.getAttribute("aria-invalid")).toBe("true");
    expect(opened).toBe(false);

    input.value = "right";
    form.dispatchEvent(new Event("submit", { cancelable: true }));
    await done;
    expect(backend.unlockDatabase.mock.calls).toEqual([["guess"], ["right"]]);
    expect(opened).toBe(true);
    expect(root.childElementCount).toBe(0);
  });

  it("asks for the passphrase when the field is empty, without calling the shell", async () => {
    const root = document.createElement("div");
    document.body.append(root);
    const backend = fakeBackend(session());
    void unlockScreen(root, backend, "/x.db");
    root.querySelector("form")!.dispatchEvent(new Event("submit", { cancelable: true }));
    await flush();
    expect(root.querySelector("[role=alert]")!.textContent).toBe("Enter the passphrase.");
    expect(backend.unlockDatabase).not.toHaveBeenCalled();
  });
});

describe("Settings", () => {
  it("shows the encryption sentence, the theme, backup and restore, and the way to Team", async () => {
    const backend = fakeBackend(session());
    backend.encryptionStatus.mockResolvedValue("plain");
    const ctx = fakeCtx(backend);
    const screen = settingsScreen(ctx);
    document.body.append(screen.el);
    await flush();
    const line = screen.el.querySelector(".settings-encryption") as HTMLElement;
    expect(line.dataset.encryption).toBe("plain");
    expect(line.textContent).toBe(encryptionText("plain"));
    expect(screen.el.querySelector("select.theme-select")).not.toBeNull();
    const team = [...screen.el.querySelectorAll("button")].find((b) => b.textContent === "Team server…")!;
    team.click();
    expect(ctx.go).toHaveBeenCalledWith({ name: "team" });
  });

  it("backs up and says with what the file is encrypted", async () => {
    const backend = fakeBackend(session());
    backend.encryptionStatus.mockResolvedValue("passphrase");
    const screen = settingsScreen(fakeCtx(backend));
    document.body.append(screen.el);
    [...screen.el.querySelectorAll("button")].find((b) => b.textContent === "Back up…")!.click();
    await flush();
    await flush();
    expect(backend.backupDatabase).toHaveBeenCalledOnce();
    expect(screen.el.querySelector(".settings-backup-status")!.textContent).toBe(
      backupText("passphrase", "/tmp/backup.db"),
    );
    expect(backupText("plain", "/b.db")).toContain("NOT encrypted");
  });

  it("restores only after a confirmation, and a refused restore is one line", async () => {
    const backend = fakeBackend(session());
    const ctx = fakeCtx(backend);
    (ctx.bank as ReturnType<typeof vi.fn>).mockResolvedValue(undefined);
    const screen = settingsScreen(ctx);
    document.body.append(screen.el);
    const restore = [...screen.el.querySelectorAll("button")].find((b) => b.textContent === "Restore from a backup…")!;

    restore.click();
    await flush();
    const cancel = [...document.querySelectorAll("dialog button")].find((b) => b.textContent === "Cancel")!;
    (cancel as HTMLButtonElement).click();
    await flush();
    expect(backend.restoreDatabase).not.toHaveBeenCalled();

    backend.restoreDatabase.mockRejectedValueOnce(
      new BackendError("invalid", "cannot restore /b.db: it does not open with this passphrase or key\nmore"),
    );
    restore.click();
    await flush();
    const ok = [...document.querySelectorAll("dialog button")].find((b) => b.textContent === "Choose the backup…")!;
    (ok as HTMLButtonElement).click();
    await flush();
    await flush();
    expect(backend.restoreDatabase).toHaveBeenCalledOnce();
    expect(screen.el.querySelector(".settings-backup-error")!.textContent).toBe(
      "cannot restore /b.db: it does not open with this passphrase or key",
    );
  });
});

describe("setting a passphrase", () => {
  it("checks both fields alike before sending, then says the database is encrypted with it", async () => {
    expect(passphraseProblem("", "")).toMatch(/^New passphrase: /);
    expect(passphraseProblem("a", "b")).toMatch(/^Repeat the passphrase: /);
    expect(passphraseProblem("a", "a")).toBeNull();
    const backend = fakeBackend(session());
    backend.encryptionStatus.mockResolvedValue("plain");
    const screen = settingsScreen(fakeCtx(backend));
    document.body.append(screen.el);
    await flush();
    const [first, again] = [...screen.el.querySelectorAll<HTMLInputElement>(".settings-passphrase input")];
    const form = screen.el.querySelector<HTMLFormElement>("form.settings-passphrase")!;
    first!.value = "one";
    again!.value = "two";
    form.dispatchEvent(new Event("submit", { cancelable: true }));
    await flush();
    expect(backend.setPassphrase).not.toHaveBeenCalled();
    expect(screen.el.querySelector(".settings-passphrase-error")!.textContent).toMatch(/do not match/);
    again!.value = "one";
    form.dispatchEvent(new Event("submit", { cancelable: true }));
    await flush();
    await flush();
    expect(backend.setPassphrase).toHaveBeenCalledWith("one");
    expect(first!.value).toBe("");
    const line = screen.el.querySelector(".settings-encryption") as HTMLElement;
    expect(line.dataset.encryption).toBe("passphrase");
  });
});
