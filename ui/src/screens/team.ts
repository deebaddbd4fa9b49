// Team: the team server this machine syncs with (URL and token), where the
// token is kept (the OS keyring, else a file only this user can read), the
// sync status, "Sync now" and "Test connection" (the reason in one
// sentence when it fails), and what needs the user: own sessions in
// conflict with the server's copy (resolved by taking the server's copy,
// after a confirmation) and colleagues' sessions set aside with the reason.
// The sync itself runs in the shell: after each submit, every minute, and
// on "Sync now".
import type { Ctx, Screen } from "../app";
import type { ConnectionTest } from "../bindings/ConnectionTest";
import type { SetAside } from "../bindings/SetAside";
import type { SyncConflict } from "../bindings/SyncConflict";
import type { SyncStatus } from "../bindings/SyncStatus";
import type { TeamProblems } from "../bindings/TeamProblems";
import type { TeamSettings } from "../bindings/TeamSettings";
import { clear, field, h } from "../dom";
import { shortDate } from "../format";
import { syncIndicator, syncText } from "../sync";
import { confirmDialog, topBar } from "../widgets";
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

/** One sentence from the core's own words: a capital and a full stop. */
export function sentence(text: string): string {
  const t = text.trim();
  if (!t) return t;
  const first = t[0].toUpperCase() + t.slice(1);
  return /[.!?]$/.test(first) ? first : `${first}.`;
}

/** What "Test connection" found, as the screen says it. */
export function connectionText(t: ConnectionTest): string {
  return sentence(t.sentence);
}

/** A conflict's heading line: who, whom, and the two revisions. */
export function conflictText(c: SyncConflict): string {
  const server = c.server_revision === null ? "not here yet" : `revision ${c.server_revision}`;
  return `${c.candidate} — ${c.interviewer}: revision ${c.local_revision} here, server's copy ${server}`;
}

/** A set-aside session's line: who, whom, revision and the reason. */
export function setAsideText(a: SetAside): string {
  return `${a.candidate} — ${a.interviewer} (revision ${a.revision}): ${sentence(a.reason)}`;
}

/** The confirmation's words before this computer's copy is erased. */
export function takeServerCopyMessage(c: SyncConflict): string {
  return (
    `This computer's copy of ${c.interviewer}'s interview of ${c.candidate} (revision ${c.local_revision}) ` +
    `is erased for good, with its scores, notes and amendments, and replaced by the team server's copy ` +
    `(revision ${c.server_revision ?? "?"}). Nothing changes on the server.`
  );
}

/**
 * "Needs your attention": conflicts with a "Take the server's copy" button
 * each (after a confirmation), and set-aside sessions with their reasons.
 * Hidden while there is nothing to show.
 */
function problemsSection(ctx: Ctx, onResolved: () => void) {
  const conflictList = h("ul", { class: "team-conflicts" });
  const asideList = h("ul", { class: "team-set-aside" });
  const said = h("p", { class: "team-resolved", attrs: { role: "status" } });
  const conflictsPart = h(
    "div",
    {},
    h("h3", { id: "team-conflicts-title" }, "Conflicts with the server's copy"),
    h(
      "p",
      { class: "hint" },
      "Your session on this computer differs from the copy the team server holds (a restored backup, or a copy of this database elsewhere). The server's copy is the one your colleagues have.",
    ),
    conflictList,
  );
  const asidePart = h(
    "div",
    {},
    h("h3", { id: "team-set-aside-title" }, "Set aside"),
    h(
      "p",
      { class: "hint" },
      "Colleagues' sessions this computer refused, kept with the reason; each is tried again when a newer revision arrives.",
    ),
    asideList,
  );
  conflictList.setAttribute("aria-labelledby", "team-conflicts-title");
  asideList.setAttribute("aria-labelledby", "team-set-aside-title");
  const el = h(
    "section",
    { class: "card team-problems", attrs: { "aria-labelledby": "team-problems-title" } },
    h("h2", { id: "team-problems-title" }, "Needs your attention"),
    said,
    conflictsPart,
    asidePart,
  );
  const take = async (c: SyncConflict, btn: HTMLButtonElement) => {
    const sure = await confirmDialog("Take the server's copy?", takeServerCopyMessage(c), "Take the server's copy");
    if (!sure) return btn.focus();
    btn.disabled = true;
    try {
      const done = await ctx.backend.takeServerCopy(c.id);
      said.textContent = sentence(done.sentence);
      said.dataset.kind = "ok";
      onResolved();
    } catch (err) {
      said.textContent = (err as Error).message;
      said.dataset.kind = "error";
      btn.disabled = false;
      btn.focus();
    }
  };
  const show = (p: TeamProblems) => {
    clear(conflictList);
    clear(asideList);
    for (const c of p.conflicts) {
      const item = h(
        "li",
        { class: "team-conflict", attrs: { "data-session": c.id } },
        h("p", { class: "team-conflict-who" }, conflictText(c)),
        h("p", { class: "hint" }, sentence(c.reason)),
      );
      if (c.server_revision !== null) {
        const btn = h(
          "button",
          { class: "btn", attrs: { type: "button", "aria-label": `Take the server's copy of ${c.candidate}` } },
          "Take the server's copy",
        );
        btn.addEventListener("click", () => void take(c, btn));
        item.append(h("div", { class: "team-actions" }, btn));
      } else {
        item.append(
          h("p", { class: "hint" }, "The server's copy has not reached this computer yet; it comes with a later sync."),
        );
      }
      conflictList.append(item);
    }
    for (const a of p.set_aside) {
      asideList.append(h("li", { class: "team-aside", attrs: { "data-session": a.id } }, setAsideText(a)));
    }
    conflictsPart.hidden = p.conflicts.length === 0;
    asidePart.hidden = p.set_aside.length === 0;
    el.hidden = p.conflicts.length === 0 && p.set_aside.length === 0 && !said.textContent;
  };
  el.hidden = true;
  const load = () =>
    ctx.backend
      .teamProblems()
      .then(show)
      .catch((err: Error) => {
        said.textContent = err.message;
        said.dataset.kind = "error";
        el.hidden = false;
      });
  return { el, load };
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

/** The server form's two inputs: the URL and the token (never shown). */
function serverInputs(): { url: HTMLInputElement; token: HTMLInputElement } {
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
  return { url, token };
}

/**
 * "Test connection": the one sentence for how the server answers, at the
 * address and with the token typed in the form (the saved ones where empty).
 */
async function testConnection(
  ctx: Ctx,
  button: HTMLButtonElement,
  line: HTMLElement,
  typed: () => { url: string; token: string },
) {
  button.disabled = true;
  line.textContent = "Testing…";
  delete line.dataset.reach;
  try {
    const { url, token } = typed();
    const t = await ctx.backend.testConnection(url || null, token || null);
    line.textContent = connectionText(t);
    line.dataset.reach = t.reach;
  } catch (err) {
    line.textContent = sentence((err as Error).message);
    line.dataset.reach = "other";
  } finally {
    button.disabled = !typed().url;
  }
}

export function teamScreen(ctx: Ctx): Screen {
  const back = h(
    "button",
    { class: "btn btn-ghost", attrs: { type: "button", "aria-label": "Back to interviews" } },
    "‹",
  );
  back.addEventListener("click", () => void ctx.go({ name: "home" }));
  const indicator = syncIndicator(ctx.backend);

  const { url, token } = serverInputs();
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
  const testBtn = h("button", { class: "btn", attrs: { type: "button" } }, "Test connection");
  const tested = h("p", { class: "team-test", attrs: { role: "status", "aria-live": "polite" } });
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
    tested,
    h("div", { class: "team-actions" }, testBtn, syncBtn),
  );

  const privacyCard = privacySection(ctx);
  const problems = problemsSection(ctx, () => {
    void problems.load();
    void ctx.backend.syncStatus().then(showStatus, () => undefined);
  });

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
    testBtn.disabled = !url.value.trim();
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
      .then(showStatus, (err: Error) => (status.textContent = err.message))
      .finally(() => (syncBtn.disabled = !settings?.url));
  });
  const typed = () => ({ url: url.value.trim(), token: token.value.trim() });
  testBtn.addEventListener("click", () => void testConnection(ctx, testBtn, tested, typed));
  url.addEventListener("input", () => (testBtn.disabled = !typed().url));
  let unlisten: (() => void) | null = null;
  let gone = false;
  const onStatus = (s: SyncStatus) => {
    showStatus(s);
    // A finished sync may have learnt who the token belongs to.
    if (s.state !== "syncing") {
      void ctx.backend.teamSettings().then(showSettings, () => undefined);
      void problems.load();
    }
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
  void problems.load();

  const el = h(
    "div",
    { class: "screen team-screen" },
    topBar("Team", back, [indicator.el]),
    h("main", { class: "team-main" }, form, statusCard, problems.el, privacyCard),
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
