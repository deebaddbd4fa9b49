// Team: the team server this machine syncs with (URL and token), where the
// token is kept (the OS keyring, else a file only this user can read), the
// sync status, and "Sync now". The sync itself runs in the shell: after each
// submit, every minute, and on "Sync now".
import type { Ctx, Screen } from "../app";
import type { SyncStatus } from "../bindings/SyncStatus";
import type { TeamSettings } from "../bindings/TeamSettings";
import { field, h } from "../dom";
import { shortDate } from "../format";
import { syncIndicator, syncText } from "../sync";
import { topBar } from "../widgets";
import { encryptionText } from "./settings";
import "../styles/team.css";

export { encryptionText };

/** Where the token is, in words. */
export function tokenStoreText(t: TeamSettings): string {
  if (t.token_store === "keyring") {
    return t.has_token ? "Your token is kept in the OS keyring." : "Your token will be kept in the OS keyring.";
  }
  return `No OS keyring answered here, so your token is ${t.has_token ? "kept" : "to be kept"} in a file only you can read: ${t.token_path}`;
}

/** The status line of the Team screen, with when the last sync finished. */
export function statusText(s: SyncStatus): string {
  const text = syncText(s) || "No team server set.";
  return s.last_sync ? `${text} (last sync ${shortDate(s.last_sync)})` : text;
}

/** "This computer": how the database is protected at rest. */
function privacySection(ctx: Ctx): HTMLElement {
  const encryption = h("p", { class: "team-encryption", attrs: { role: "status" } });
  const privacyCard = h(
    "section",
    { class: "card team-privacy", attrs: { "aria-labelledby": "team-privacy-title" } },
    h("h2", { id: "team-privacy-title" }, "This computer"),
    encryption,
  );
  void ctx.backend
    .encryptionStatus()
    .then((e) => {
      encryption.textContent = encryptionText(e);
      encryption.dataset.encryption = e;
    })
    .catch((err: Error) => {
      encryption.textContent = err.message;
    });
  return privacyCard;
}

export function teamScreen(ctx: Ctx): Screen {
  const back = h(
    "button",
    { class: "btn btn-ghost", attrs: { type: "button", "aria-label": "Back to interviews" } },
    "‹",
  );
  back.addEventListener("click", () => void ctx.go({ name: "home" }));
  const indicator = syncIndicator(ctx.backend);

  const url = h("input", {
    attrs: {
      type: "url",
      name: "url",
      placeholder: "https://panelist.example.com",
      autocomplete: "off",
      required: true,
    },
  });
  const token = h("input", {
    attrs: { type: "password", name: "token", autocomplete: "off", spellcheck: "false" },
  });
  const save = h("button", { class: "btn btn-primary", attrs: { type: "submit" } }, "Save");
  const formError = h("p", { class: "error team-error", attrs: { role: "alert" } });
  const form = h(
    "form",
    { class: "card team-form", attrs: { "aria-labelledby": "team-server-title", novalidate: true } },
    h("h2", { id: "team-server-title" }, "Team server"),
    field("Server URL", url, "The address your team's administrator gave you."),
    field("Token", token, "The token your administrator made for you. Leave empty to keep the saved one."),
    h("p", { class: "hint team-store" }),
    formError,
    h("div", { class: "team-actions" }, save),
  );
  const storeNote = form.querySelector(".team-store") as HTMLParagraphElement;

  const who = h("p", { class: "team-who" });
  const status = h("p", { class: "team-status", attrs: { role: "status", "aria-live": "polite" } });
  const syncBtn = h("button", { class: "btn", attrs: { type: "button" } }, "Sync now");
  const statusCard = h(
    "section",
    { class: "card team-sync", attrs: { "aria-labelledby": "team-sync-title" } },
    h("h2", { id: "team-sync-title" }, "Sync"),
    who,
    status,
    h(
      "p",
      { class: "hint" },
      "Submitted interviews are sent after each submit and every minute; colleagues' sessions arrive sealed until you submit yours. Nothing made offline is lost: it waits here until the server answers.",
    ),
    h("div", { class: "team-actions" }, syncBtn),
  );

  const privacyCard = privacySection(ctx);

  let settings: TeamSettings | null = null;
  const showSettings = (t: TeamSettings) => {
    settings = t;
    if (document.activeElement !== url) url.value = t.url ?? "";
    storeNote.textContent = tokenStoreText(t);
    who.textContent = t.user ? `Signed in as ${t.user}.` : t.url ? "Not signed in yet." : "";
    showStatus(t.status);
  };
  const showStatus = (s: SyncStatus) => {
    status.textContent = statusText(s);
    status.dataset.state = s.state;
    syncBtn.disabled = !settings?.url || s.state === "syncing";
  };

  form.addEventListener("submit", (e) => {
    e.preventDefault();
    formError.textContent = "";
    const u = url.value.trim();
    if (!u) {
      formError.textContent = "Server URL: enter the team server's address.";
      url.focus();
      return;
    }
    const tok = token.value.trim();
    if (!tok && !settings?.has_token) {
      formError.textContent = "Token: paste the token your administrator gave you.";
      token.focus();
      return;
    }
    save.disabled = true;
    void ctx.backend
      .setTeamServer(u, tok)
      .then((t) => {
        token.value = "";
        showSettings(t);
      })
      .catch((err: Error) => {
        formError.textContent = err.message;
      })
      .finally(() => {
        save.disabled = false;
      });
  });
  syncBtn.addEventListener("click", () => {
    syncBtn.disabled = true;
    void ctx.backend
      .syncNow()
      .then(showStatus)
      .catch((err: Error) => {
        status.textContent = err.message;
      })
      .finally(() => {
        syncBtn.disabled = !settings?.url;
      });
  });
  let unlisten: (() => void) | null = null;
  let gone = false;
  const onStatus = (s: SyncStatus) => {
    showStatus(s);
    // A finished sync may have learnt who the token belongs to.
    if (s.state !== "syncing") void ctx.backend.teamSettings().then(showSettings, () => undefined);
  };
  void ctx.backend
    .onSyncStatus(onStatus)
    .then((u) => (gone ? u() : (unlisten = u)))
    .catch(() => undefined);
  void ctx.backend
    .teamSettings()
    .then(showSettings)
    .catch((err: Error) => {
      formError.textContent = err.message;
    });

  const el = h(
    "div",
    { class: "screen team-screen" },
    topBar("Team", back, [indicator.el]),
    h("main", { class: "team-main" }, form, statusCard, privacyCard),
  );
  return {
    el,
    title: "Team – Panelist",
    shown() {
      url.focus();
    },
    async leave() {
      gone = true;
      unlisten?.();
      indicator.dispose();
    },
  };
}
