// Boot: app info, the save queue, flush-on-exit wiring, and the router.
import "./styles.css";
import type { Ctx, Route, Screen } from "./app";
import { backend, isTransient } from "./backend";
import { clear, h, toast } from "./dom";
import { flushAll } from "./flush";
import { SaveQueue } from "./saver";
import { bankScreen } from "./screens/bank";
import { competenciesScreen, questionEditorScreen, questionHistoryScreen } from "./screens/bankEditor";
import { kitsScreen } from "./screens/bankKits";
import { calibrationScreen } from "./screens/calibration";
import { settingsScreen } from "./screens/settings";
import { teamScreen } from "./screens/team";
import { unlockScreen } from "./screens/unlock";
import { candidatesScreen } from "./screens/candidates";
import { compareScreen } from "./screens/compare";
import { homeScreen } from "./screens/home";
import { liveScreen } from "./screens/live";
import { newInterviewScreen } from "./screens/newInterview";
import { planScreen } from "./screens/plan";
import { plansScreen } from "./screens/plans";
import { reportScreen } from "./screens/report";
import { summaryScreen } from "./screens/summary";
import { wrapUpScreen } from "./screens/wrapup";
import { applyTheme } from "./theme";
import { keyMapDialog, openModal } from "./widgets";
import type { BankView } from "./types";

const root = document.getElementById("app") as HTMLElement;
applyTheme();

async function boot(): Promise<void> {
  // A passphrase database: nothing else of the app exists until it opens.
  const lock = await backend.databaseLock();
  if (lock.locked) await unlockScreen(root, backend, lock.db_path);
  const info = await backend.appInfo();
  if (info.db_error) {
    clear(root);
    root.appendChild(
      h(
        "main",
        { class: "content fatal", attrs: { role: "alert" } },
        h("h1", {}, "Panelist cannot open its database"),
        h("p", {}, info.db_path),
        h("p", {}, info.db_error.message),
      ),
    );
    return;
  }

  const queue = new SaveQueue({
    isTransient,
    onPermanentError: (err) => toast(`Not saved: ${(err as Error).message}`, "error", 10000),
  });

  let bankCache: Promise<BankView> | null = null;
  let current: Screen | null = null;
  let navigating = Promise.resolve();

  const ctx: Ctx = {
    backend,
    queue,
    info,
    bank(reload = false) {
      if (!bankCache || reload) {
        bankCache = backend.getBank();
        bankCache.catch(() => {
          bankCache = null;
        });
      }
      return bankCache;
    },
    go(route: Route) {
      navigating = navigating.then(() => show(route));
      return navigating;
    },
  };

  async function show(route: Route): Promise<void> {
    if (current?.leave) {
      try {
        await current.leave();
      } catch (err) {
        console.error(err);
      }
    }
    const next = build(route);
    clear(root);
    root.appendChild(next.el);
    document.title = next.title;
    current = next;
    root.dataset.screen = route.name;
    next.shown?.();
  }

  function build(route: Route): Screen {
    switch (route.name) {
      case "home":
        return homeScreen(ctx, route.drop);
      case "new":
        return newInterviewScreen(ctx);
      case "live":
        return liveScreen(ctx, route.id, route.index);
      case "wrap":
        return wrapUpScreen(ctx, route.id);
      case "summary":
        return summaryScreen(ctx, route.id);
      case "compare":
        return compareScreen(ctx, route.candidate);
      case "report":
        return reportScreen(ctx, route.candidate);
      case "candidates":
        return candidatesScreen(ctx, route.kit);
      case "calibration":
        return calibrationScreen(ctx, route.kit);
      case "bank":
        return bankScreen(ctx);
      case "bank-question":
        return questionEditorScreen(ctx, route.id, route.duplicate);
      case "bank-history":
        return questionHistoryScreen(ctx, route.id);
      case "bank-kits":
        return kitsScreen(ctx);
      case "bank-competencies":
        return competenciesScreen(ctx);
      case "team":
        return teamScreen(ctx);
      case "plans":
        return plansScreen(ctx);
      case "plan":
        return planScreen(ctx, route.id);
      case "settings":
        return settingsScreen(ctx);
    }
  }

  // Never lose a word: flush when the shell asks (window close, quit,
  // SIGTERM), and whenever the window loses focus or is hidden.
  await backend.onFlushRequest(() => flushAll(900));
  window.addEventListener("blur", () => void flushAll());
  window.addEventListener("pagehide", () => void flushAll());
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "hidden") void flushAll();
  });

  // F1 is help on every screen: the key map and the theme (the live screen
  // has its own F1, with its help button).
  document.addEventListener("keydown", (ev) => {
    if (ev.key !== "F1" || root.dataset.screen === "live" || document.querySelector("dialog[open]")) return;
    ev.preventDefault();
    const dlg = keyMapDialog();
    const close = dlg.querySelector<HTMLButtonElement>(".dialog-actions button")!;
    const back = document.activeElement as HTMLElement | null;
    void openModal(dlg, close, () => undefined).then(() => back?.focus());
  });

  // Session files dropped anywhere on the window are imported on Home.
  const dropHint = h(
    "div",
    { class: "drop-overlay", attrs: { hidden: true, "aria-hidden": "true" } },
    "Drop session files to import them",
  );
  document.body.appendChild(dropHint);
  await backend
    .onFileDrop((ev) => {
      dropHint.hidden = ev.type !== "over";
      if (ev.type === "drop" && ev.paths.length) void ctx.go({ name: "home", drop: ev.paths });
    })
    .catch((err: unknown) => console.error("file drop unavailable", err));

  await ctx.go({ name: "home" });
}

window.addEventListener("unhandledrejection", (ev) => {
  const reason = ev.reason as { message?: string } | undefined;
  toast(`Something went wrong: ${reason?.message ?? String(ev.reason)}`, "error", 8000);
});

boot().catch((err: unknown) => {
  clear(root);
  root.appendChild(
    h(
      "main",
      { class: "content fatal", attrs: { role: "alert" } },
      h("h1", {}, "Panelist could not start"),
      h("p", {}, (err as { message?: string })?.message ?? String(err)),
    ),
  );
});
