// Settings: the colour theme, your name, the retention period, how this computer's database is protected at
// rest (the one sentence for it), setting a passphrase, a backup of the whole database and its
// restore (the same files as `panelist backup` / `panelist restore`), and the
// way to the Team screen.
import type { Ctx, Screen } from "../app";
import type { Encryption } from "../bindings/Encryption";
import type { Preferences } from "../bindings/Preferences";
import { field, h } from "../dom";
import { themeControl } from "../theme";
import { confirmDialog, topBar } from "../widgets";
import "../styles/settings.css";

/** How this computer's database is protected at rest, in words. */
export function encryptionText(e: Encryption): string {
  if (e === "keyring") return "Your interviews are encrypted on this computer; the key is kept in the OS keyring.";
  if (e === "passphrase") return "Your interviews are encrypted on this computer with your passphrase.";
  return "Your interviews are NOT encrypted on this computer: no OS keyring answered and no passphrase is set (PANELIST_PASSPHRASE).";
}

/** What a backup file is protected with, in words. */
export function backupText(e: Encryption, path: string): string {
  if (e === "plain") return `Backed up to ${path}. It is NOT encrypted, like this computer's database.`;
  const key = e === "passphrase" ? "your passphrase" : "this computer's key from the OS keyring";
  return `Backed up to ${path}, encrypted with ${key}. It restores only with the same ${e === "passphrase" ? "passphrase" : "key"}.`;
}

/** The "This computer" card: the encryption sentence. */
function privacyCard(ctx: Ctx, encryption: HTMLElement): HTMLElement {
  const refresh = () =>
    ctx.backend
      .encryptionStatus()
      .then((e) => {
        encryption.textContent = encryptionText(e);
        encryption.dataset.encryption = e;
        return e;
      })
      .catch((err: Error) => {
        encryption.textContent = err.message;
        return null;
      });
  void refresh();
  return h(
    "section",
    { class: "card settings-privacy", attrs: { "aria-labelledby": "settings-privacy-title" } },
    h("h2", { id: "settings-privacy-title" }, "This computer"),
    encryption,
  );
}

/**
 * One Settings form: a card titled `title`, its fields, a line for a refusal
 * (`role=alert`) and one for what was done (`role=status`), and its button.
 */
function settingsForm(
  name: string,
  title: string,
  submit: string,
  body: (Node | null)[],
): { form: HTMLFormElement; error: HTMLElement; status: HTMLElement; save: HTMLButtonElement } {
  const error = h("p", { class: `error settings-${name}-error`, attrs: { role: "alert" } });
  const status = h("p", { class: `settings-${name}-status`, attrs: { role: "status", "aria-live": "polite" } });
  const save = h("button", { class: "btn", attrs: { type: "submit" } }, submit);
  const form = h(
    "form",
    { class: `card settings-${name}`, attrs: { "aria-labelledby": `settings-${name}-title`, novalidate: true } },
    h("h2", { id: `settings-${name}-title` }, title),
    ...body,
    error,
    status,
    h("div", { class: "settings-actions" }, save),
  );
  return { form, error, status, save };
}

/** The passphrase to check before it is sent: both fields alike and not empty. */
export function passphraseProblem(first: string, again: string): string | null {
  if (!first) return "New passphrase: enter a passphrase.";
  if (first !== again) return "Repeat the passphrase: the two do not match.";
  return null;
}

/** "Set passphrase": encrypts (or re-keys) the database with a passphrase the user chooses. */
function passphraseCard(ctx: Ctx, encryption: HTMLElement): HTMLElement {
  const attrs = { type: "password", autocomplete: "new-password", spellcheck: "false" };
  const first = h("input", { attrs: { ...attrs, name: "new-passphrase" } });
  const again = h("input", { attrs: { ...attrs, name: "repeat-passphrase" } });
  const { form, error, status, save } = settingsForm("passphrase", "Passphrase", "Set passphrase", [
    h(
      "p",
      { class: "hint" },
      "Encrypt this computer's interviews with a passphrase of your own: Panelist asks for it at every start (the command line reads PANELIST_PASSPHRASE). There is no way back in without it.",
    ),
    field("New passphrase", first),
    field("Repeat the passphrase", again),
  ]);
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    status.textContent = "";
    const problem = passphraseProblem(first.value, again.value);
    error.textContent = problem ?? "";
    if (problem) return (first.value ? again : first).focus();
    save.disabled = true;
    status.textContent = "Encrypting…";
    void ctx.backend
      .setPassphrase(first.value)
      .then((how) => {
        first.value = "";
        again.value = "";
        encryption.textContent = encryptionText(how);
        encryption.dataset.encryption = how;
        status.textContent = "Passphrase set. Panelist will ask for it when it starts.";
      })
      .catch((err: Error) => {
        status.textContent = "";
        error.textContent = err.message.split("\n")[0]!;
      })
      .finally(() => {
        save.disabled = false;
      });
  });
  return form;
}

/** Backup and restore, with one status line for both. */
function backupCard(ctx: Ctx, encryption: HTMLElement): HTMLElement {
  const status = h("p", { class: "settings-backup-status", attrs: { role: "status", "aria-live": "polite" } });
  const error = h("p", { class: "error settings-backup-error", attrs: { role: "alert" } });
  const backupBtn = h("button", { class: "btn", attrs: { type: "button" } }, "Back up…");
  const restoreBtn = h("button", { class: "btn", attrs: { type: "button" } }, "Restore from a backup…");
  const busy = (on: boolean) => {
    backupBtn.disabled = on;
    restoreBtn.disabled = on;
  };
  const say = (line: string, failed = false) => {
    status.textContent = failed ? "" : line;
    error.textContent = failed ? line.split("\n")[0]! : "";
  };
  backupBtn.addEventListener("click", () => {
    busy(true);
    say("Backing up…");
    void ctx.backend
      .backupDatabase()
      .then(async (path) => {
        if (path === null) return say("");
        say(backupText(await ctx.backend.encryptionStatus(), path));
      })
      .catch((err: Error) => say(err.message, true))
      .finally(() => busy(false));
  });
  restoreBtn.addEventListener("click", () => {
    void (async () => {
      const sure = await confirmDialog(
        "Restore from a backup?",
        "Every interview, plan and setting on this computer is replaced by the backup's. A backup that does not open with this computer's key or passphrase is refused and nothing changes.",
        "Choose the backup…",
        "restore-dialog",
      );
      if (!sure) return restoreBtn.focus();
      busy(true);
      say("Restoring…");
      try {
        const how = await ctx.backend.restoreDatabase();
        if (how === null) return say("");
        encryption.textContent = encryptionText(how);
        encryption.dataset.encryption = how;
        void ctx.bank(true).catch(() => undefined);
        say("Restored. The interviews on this computer are now the backup's.");
      } catch (err) {
        say((err as Error).message, true);
      } finally {
        busy(false);
        restoreBtn.focus();
      }
    })();
  });
  return h(
    "section",
    { class: "card settings-backup", attrs: { "aria-labelledby": "settings-backup-title" } },
    h("h2", { id: "settings-backup-title" }, "Backup"),
    h(
      "p",
      { class: "hint" },
      "A backup is the whole database in one file, encrypted with this computer's key or passphrase: keep it somewhere safe. The command line makes the same files (panelist backup, panelist restore).",
    ),
    status,
    error,
    h("div", { class: "settings-actions" }, backupBtn, restoreBtn),
  );
}

/** What a retention period means, in words. */
export function retentionText(days: number | null): string {
  if (days === null) return "Everything is kept until you erase it.";
  return `A candidate is erased from this computer, down to the bytes, ${days} day${days === 1 ? "" : "s"} after their last interview.`;
}

/** "Your name": the interviewer this computer's "My interviews" and new interviews are for. */
function nameCard(ctx: Ctx, prefs: Promise<Preferences>): HTMLElement {
  const input = h("input", { attrs: { type: "text", name: "your-name", autocomplete: "name", spellcheck: "false" } });
  void prefs.then((p) => {
    if (!input.value) input.value = p.your_name ?? "";
  });
  const { form, error, status, save } = settingsForm("name", "Your name", "Save name", [
    field("Your name", input, "Shown under My interviews and filled in for new interviews."),
  ]);
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    status.textContent = "";
    error.textContent = "";
    save.disabled = true;
    void ctx.backend
      .setYourName(input.value)
      .then((name) => {
        input.value = name;
        ctx.info.interviewer = name;
        status.textContent = `Saved: you are ${name}.`;
      })
      .catch((err: Error) => {
        error.textContent = err.message.split("\n")[0]!;
        input.focus();
      })
      .finally(() => (save.disabled = false));
  });
  return form;
}

/** "Retention": keep everything, or erase candidates some days after their last interview. */
function retentionCard(ctx: Ctx, prefs: Promise<Preferences>): HTMLElement {
  const keep = h("input", { attrs: { type: "radio", name: "retention", value: "keep", id: "retention-keep" } });
  const erase = h("input", { attrs: { type: "radio", name: "retention", value: "days", id: "retention-days" } });
  const days = h("input", {
    attrs: { type: "number", min: "1", max: "36500", inputmode: "numeric", name: "retention-days" },
  });
  keep.checked = true;
  days.value = "365";
  const said = h("p", { class: "settings-retention-now" });
  void prefs.then((p) => {
    keep.checked = p.retention_days === null;
    erase.checked = p.retention_days !== null;
    days.value = String(p.retention_days ?? 365);
    said.textContent = retentionText(p.retention_days);
  });
  const { form, error, status, save } = settingsForm("retention", "Retention", "Save retention", [
    said,
    h(
      "fieldset",
      { class: "settings-retention-choice" },
      h("legend", {}, "Keep interviews"),
      h("div", { class: "radio-row" }, keep, h("label", { attrs: { for: "retention-keep" } }, "Until I erase them")),
      h(
        "div",
        { class: "radio-row" },
        erase,
        h("label", { attrs: { for: "retention-days" } }, "For a number of days after a candidate’s last interview"),
      ),
      field("Days", days),
    ),
  ]);
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    error.textContent = "";
    status.textContent = "";
    const n = Number(days.value);
    const wanted = keep.checked ? null : n;
    if (wanted !== null && !(Number.isInteger(n) && n >= 1 && n <= 36500)) {
      error.textContent = "Days: a whole number from 1 to 36,500.";
      return days.focus();
    }
    void (async () => {
      if (wanted !== null) {
        const sure = await confirmDialog(
          "Erase old candidates now?",
          `${retentionText(wanted)} Candidates past that are erased now, and from now on as they pass it. This cannot be undone.`,
          "Save and erase",
          "retention-dialog",
        );
        if (!sure) return save.focus();
      }
      save.disabled = true;
      try {
        const r = await ctx.backend.setRetention(wanted);
        said.textContent = retentionText(r.days);
        const n = r.erased.candidates;
        status.textContent =
          n === 0 ? "Saved. Nothing was old enough to erase." : `Saved. Erased ${n} candidate${n === 1 ? "" : "s"}.`;
      } catch (err) {
        error.textContent = (err as Error).message.split("\n")[0]!;
      } finally {
        save.disabled = false;
      }
    })();
  });
  return form;
}

export function settingsScreen(ctx: Ctx): Screen {
  const back = h(
    "button",
    { class: "btn btn-ghost", attrs: { type: "button", "aria-label": "Back to interviews" } },
    "‹",
  );
  back.addEventListener("click", () => void ctx.go({ name: "home" }));
  const encryption = h("p", { class: "settings-encryption", attrs: { role: "status" } });
  const team = h("button", { class: "btn btn-small", attrs: { type: "button" } }, "Team server…");
  team.addEventListener("click", () => void ctx.go({ name: "team" }));
  const appearance = h(
    "section",
    { class: "card settings-appearance", attrs: { "aria-labelledby": "settings-appearance-title" } },
    h("h2", { id: "settings-appearance-title" }, "Appearance"),
    themeControl(),
  );
  const teamCard = h(
    "section",
    { class: "card settings-team", attrs: { "aria-labelledby": "settings-team-title" } },
    h("h2", { id: "settings-team-title" }, "Team"),
    h("p", { class: "hint" }, "The team server this computer syncs with, and your token."),
    h("div", { class: "settings-actions" }, team),
  );
  const prefs = ctx.backend.preferences();
  const failed = h("p", { class: "error", attrs: { role: "alert" } });
  prefs.catch((err: Error) => (failed.textContent = err.message));
  const el = h(
    "div",
    { class: "screen settings-screen" },
    topBar("Settings", back, []),
    h(
      "main",
      { class: "settings-main" },
      failed,
      appearance,
      nameCard(ctx, prefs),
      privacyCard(ctx, encryption),
      passphraseCard(ctx, encryption),
      backupCard(ctx, encryption),
      teamCard,
      retentionCard(ctx, prefs),
    ),
  );
  return {
    el,
    title: "Settings – Panelist",
    shown() {
      el.querySelector<HTMLElement>(".topbar-title")?.focus();
    },
  };
}
