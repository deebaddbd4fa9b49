// The live screen's static frame: top bar, status line, outline, question
// area, notes dock and navigation. Built once; the controller fills it.
import type { Ctx } from "../../app";
import { h, nextId } from "../../dom";
import { syncIndicator } from "../../sync";
import { keyMapDialog, saveIndicator, topBar } from "../../widgets";

export interface LiveFrame {
  el: HTMLElement;
  title: HTMLHeadingElement;
  titleBtn: HTMLButtonElement;
  helpBtn: HTMLButtonElement;
  pauseBtn: HTMLButtonElement;
  /** The persistent bar shown while the clock is paused, with its Resume button. */
  pausedBar: HTMLElement;
  resumeBtn: HTMLButtonElement;
  feedback: HTMLElement;
  draftBanner: HTMLElement;
  startBtn: HTMLButtonElement;
  outlineList: HTMLElement;
  progress: HTMLElement;
  qTimer: HTMLElement;
  allTimer: HTMLElement;
  strip: HTMLElement;
  banner: HTMLElement;
  body: HTMLElement;
  /** The question and its rubric (the levels stay in view). */
  top: HTMLElement;
  /** Compact: the look-fors and follow-ups, scrolling on their own under the rubric. */
  checks: HTMLElement;
  extras: HTMLElement;
  followUpsBox: HTMLElement;
  side: HTMLElement;
  prevBtn: HTMLButtonElement;
  skipBtn: HTMLButtonElement;
  nextBtn: HTMLButtonElement;
  wrapBtn: HTMLButtonElement;
  notesBox: HTMLTextAreaElement;
  notesLabel: HTMLElement;
  notesDock: HTMLElement;
  stampBtn: HTMLButtonElement;
  keymap: HTMLDialogElement;
  indicator: ReturnType<typeof saveIndicator>;
  sync: ReturnType<typeof syncIndicator>;
}

function button(label: string, cls: string, attrs: Record<string, string> = {}): HTMLButtonElement {
  return h("button", { class: cls, attrs: { type: "button", ...attrs } }, label);
}

function navigation() {
  const prevBtn = button("← Prev", "btn", { "aria-keyshortcuts": "Alt+ArrowLeft" });
  const skipBtn = button("Skip", "btn", { "aria-keyshortcuts": "Alt+0" });
  const nextBtn = button("Next →", "btn btn-primary", { "aria-keyshortcuts": "Alt+ArrowRight Control+Enter" });
  // Wrap-up is always one click (or Alt+W) away, not only after the last question.
  const wrapBtn = button("Wrap-up", "btn wrap-btn", { "aria-keyshortcuts": "Alt+W" });
  const footer = h(
    "nav",
    { class: "navbar", attrs: { "aria-label": "Question navigation" } },
    prevBtn,
    skipBtn,
    wrapBtn,
    nextBtn,
  );
  return { prevBtn, skipBtn, nextBtn, wrapBtn, footer };
}

function notesArea() {
  const notesId = nextId("notes");
  const notesBox = h("textarea", {
    id: notesId,
    class: "notes",
    attrs: { rows: 4, spellcheck: "true", "aria-keyshortcuts": "Alt+N" },
  });
  const notesLabel = h("label", { attrs: { for: notesId } }, "Notes");
  const stampBtn = button("Stamp", "btn btn-small", {
    "aria-keyshortcuts": "Alt+T",
    title: "Stamp the interview time (Alt+T)",
  });
  const notesDock = h(
    "section",
    { class: "notes-dock", attrs: { "aria-label": "Notes" } },
    h("div", { class: "notes-head" }, notesLabel, h("span", { class: "hint" }, "type anywhere"), stampBtn),
    notesBox,
  );
  return { notesBox, notesLabel, stampBtn, notesDock };
}

function statusLine(feedback: HTMLElement) {
  const pauseBtn = button("Pause", "btn btn-small pause-btn", {
    "aria-keyshortcuts": "Alt+P",
    "aria-pressed": "false",
  });
  const progress = h("span", { class: "progress" });
  const qTimer = h("span", { class: "timer", attrs: { title: "Time on this question / its budget" } });
  const allTimer = h("span", { class: "timer", attrs: { title: "Interview time / total budget" } });
  const status = h(
    "div",
    { class: "statusline" },
    progress,
    feedback,
    h(
      "span",
      { class: "timers" },
      h("span", { class: "timer-label" }, "Q "),
      qTimer,
      h("span", { class: "timer-label" }, " · All "),
      allTimer,
      pauseBtn,
    ),
  );
  // Paused is a state, not a moment: a bar that stays until Resume.
  const resumeBtn = button("Resume", "btn btn-small resume-btn", { "aria-keyshortcuts": "Alt+P" });
  const pausedBar = h(
    "div",
    { class: "paused-bar", attrs: { hidden: true } },
    h("strong", {}, "Paused"),
    h("span", {}, " — the interview clock is stopped. "),
    resumeBtn,
  );
  return { pauseBtn, resumeBtn, pausedBar, progress, qTimer, allTimer, status };
}

function outlineNav() {
  const outlineList = h("ol", { class: "outline-list" });
  const outline = h(
    "nav",
    { class: "outline", attrs: { "aria-labelledby": "outline-title" } },
    h("h2", { id: "outline-title", class: "outline-title" }, "Questions"),
    outlineList,
  );
  return { outlineList, outline };
}

/** Builds the frame; `onBack` leaves the screen. */
export function buildFrame(ctx: Ctx, indicator: ReturnType<typeof saveIndicator>): LiveFrame {
  const back = button("‹", "btn btn-ghost", { "aria-label": "Back to interviews" });
  back.addEventListener("click", () => void ctx.go({ name: "home" }));
  const helpBtn = button("?", "btn btn-ghost", { "aria-label": "Keys and display", "aria-keyshortcuts": "F1 Alt+/" });
  // In the flow of the status line, between the progress and the timers:
  // it never covers a timer, the notes or a control.
  const feedback = h("div", { class: "key-feedback", attrs: { role: "status", "aria-live": "polite" } });
  const draftBanner = h("div", { class: "banner draft-banner", attrs: { hidden: true } });
  const startBtn = button("Start interview", "btn btn-primary btn-small");
  draftBanner.append(h("span", {}, "Prepared as a draft: the clock starts when you start. "), startBtn);
  const sync = syncIndicator(ctx.backend);
  const bar = topBar("Interview", back, [indicator.el, sync.el, helpBtn]);
  const title = bar.querySelector("h1") as HTMLHeadingElement;
  // The candidate's name is also the way to fix the details (candidate,
  // role, interviewer) before submitting, without leaving the question.
  const titleBtn = h("button", { class: "title-btn", attrs: { type: "button" } });
  const strip = h("ul", { class: "strip", attrs: { "aria-label": "Competencies with evidence" } });
  const banner = h("p", { class: "banner", attrs: { hidden: true } });
  const body = h("main", { class: "content live", attrs: { tabindex: "-1", "aria-label": "Question" } });
  // Look-fors and follow-ups: under the rubric when compact; when wide the
  // look-fors sit beside it above the notes, the follow-ups under it.
  const extras = h("div", { class: "extras" });
  const followUpsBox = h("div", { class: "extras extras-fu" });
  const top = h("div", { class: "live-top" });
  const checks = h("div", { class: "live-checks" });
  body.append(top, checks);
  const side = h("div", { class: "live-side" });
  const nav = navigation();
  const notes = notesArea();
  const st = statusLine(feedback);
  const ol = outlineNav();
  side.appendChild(notes.notesDock);
  const layout = h("div", { class: "live-body" }, ol.outline, body, side);
  const el = h(
    "div",
    { class: "screen screen-live" },
    bar,
    h(
      "section",
      { class: "subbar", attrs: { "aria-label": "Progress" } },
      st.status,
      st.pausedBar,
      strip,
      banner,
      draftBanner,
    ),
    layout,
    nav.footer,
  );
  const keymap = keyMapDialog();
  el.appendChild(keymap);
  helpBtn.addEventListener("click", () => keymap.showModal());
  return {
    el,
    title,
    titleBtn,
    helpBtn,
    feedback,
    draftBanner,
    startBtn,
    strip,
    banner,
    body,
    top,
    checks,
    extras,
    followUpsBox,
    side,
    keymap,
    indicator,
    sync,
    ...nav,
    ...notes,
    ...st,
    outlineList: ol.outlineList,
  };
}
