// The team server's sync indicator (Home and the live screen): synced,
// N waiting, offline or error with the reason. A polite live region, so a
// screen reader hears a change without being interrupted mid-sentence.
import type { Backend } from "./backend";
import type { SyncStatus } from "./bindings/SyncStatus";
import { h } from "./dom";
import "./styles/team.css";

/** The indicator's words for a status; empty when no team server is set. */
export function syncText(s: SyncStatus): string {
  const waiting = s.waiting === 1 ? "1 waiting" : `${s.waiting} waiting`;
  const conflicts = s.conflicts > 0 ? ` · ${s.conflicts} in conflict` : "";
  switch (s.state) {
    case "off":
      // No team server: nothing to say (file exchange needs no indicator).
      return "";
    case "syncing":
      return s.waiting > 0 ? `Syncing… ${waiting}` : "Syncing…";
    case "synced":
      return `Synced${conflicts}`;
    case "waiting":
      return `${waiting} to sync${conflicts}`;
    case "offline":
      return `Offline${s.waiting > 0 ? ` · ${waiting}` : ""}`;
    case "error":
      return `Sync error${s.waiting > 0 ? ` · ${waiting}` : ""}: ${s.message ?? "unknown"}`;
  }
}

export interface SyncIndicator {
  el: HTMLElement;
  set(s: SyncStatus): void;
  dispose(): void;
}

export function syncIndicator(backend: Backend): SyncIndicator {
  const el = h("span", {
    class: "sync-indicator",
    attrs: { role: "status", "aria-live": "polite", "aria-atomic": "true" },
  });
  let disposed = false;
  let unlisten: (() => void) | null = null;
  const set = (s: SyncStatus) => {
    if (disposed) return;
    const text = syncText(s);
    el.textContent = text;
    el.dataset.state = s.state;
    el.hidden = text === "";
    el.title = s.message && s.state !== "error" ? s.message : "";
  };
  el.hidden = true;
  void backend
    .onSyncStatus(set)
    .then((u) => {
      if (disposed) u();
      else unlisten = u;
    })
    .catch(() => undefined);
  void backend
    .syncStatus()
    .then(set)
    .catch(() => undefined);
  return {
    el,
    set,
    dispose() {
      disposed = true;
      unlisten?.();
    },
  };
}
