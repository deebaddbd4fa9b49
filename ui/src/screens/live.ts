// Live interview: one question at a time, scored against its rubric while
// the candidate talks. Every change is one backend call through the save
// queue; notes autosave within ~300 ms and flush on every way out.
import type { Ctx, Screen } from "../app";
import type { Entry } from "../bindings/Entry";
import type { Session } from "../bindings/Session";
import type { SessionView } from "../types";
import { QuestionClock } from "../clock";
import { clear, h, nextId, toast } from "../dom";
import { againstBudget, clock } from "../format";
import { registerFlusher } from "../flush";
import { FOLLOW_UP_KEYS, LOOK_FOR_KEYS, actionForKey, focusPlace, type Action } from "../keys";
import { NotesAutosave, stampNotes } from "../notes";
import { syncIndicator } from "../sync";
import { keyMapDialog, saveIndicator, topBar } from "../widgets";
import { amendDialog } from "./amend";
import { detailsDialog } from "./details";
import "../styles/live.css";

/** Seconds between saves of the running question time (a crash loses at most this). */
export const TIME_HEARTBEAT_MS = 15_000;
/** Wide layout from this window width: rubric beside look-fors and notes, with an outline. */
export const WIDE_QUERY = "(min-width: 1000px)";

/** One undoable command: what the question held before it. */
export type UndoStep =
  | { kind: "score"; index: number; score: number | null; skipped: boolean; label: string }
  | { kind: "lookFor" | "followUp"; index: number; item: number; on: boolean; label: string };

/** "Level 3 — Solid" for a level of this entry's rubric. */
export function levelText(e: Entry, level: number): string {
  const l = e.question.rubric.levels.find((x) => x.value === level);
  return l ? `Level ${level} — ${l.label}` : `Level ${level}`;
}

/** Competencies in order of first appearance, with whether any has a score. */
export function competencyEvidence(s: Session): { id: string; name: string; evidence: boolean }[] {
  const out: { id: string; name: string; evidence: boolean }[] = [];
  for (const e of s.entries) {
    let c = out.find((x) => x.id === e.question.competency);
    if (!c) {
      c = { id: e.question.competency, name: e.competency_name, evidence: false };
      out.push(c);
    }
    if (e.score !== null) c.evidence = true;
  }
  return out;
}

/** Where to resume: the first question neither scored nor skipped. */
export function resumeIndex(s: Session): number {
  const i = s.entries.findIndex((e) => e.score === null && !e.skipped);
  return i < 0 ? 0 : i;
}

export function liveScreen(ctx: Ctx, sessionId: string, startIndex?: number): Screen {
  const { backend, queue } = ctx;
  let session: SessionView | null = null;
  let index = 0;
  let locked = false;
  let draft = false;
  let paused = false;
  /** The interview clock's saved seconds (the core's figure plus what this screen recorded). */
  let interviewBase = 0;
  const undoStack: UndoStep[] = [];
  const qclock = new QuestionClock();
  const notes = new NotesAutosave(queue, (qid, text) => backend.setNotes(sessionId, qid, text), {
    onChange: () => indicator.refresh(),
  });
  const indicator = saveIndicator(queue, () => notes.hasDirty);

  // Static frame
  const back = h(
    "button",
    { class: "btn btn-ghost", attrs: { type: "button", "aria-label": "Back to interviews" } },
    "‹",
  );
  back.addEventListener("click", () => void ctx.go({ name: "home" }));
  const helpBtn = h(
    "button",
    {
      class: "btn btn-ghost",
      attrs: { type: "button", "aria-label": "Keys and display", "aria-keyshortcuts": "F1 Alt+/" },
    },
    "?",
  );
  const pauseBtn = h(
    "button",
    {
      class: "btn btn-small pause-btn",
      attrs: { type: "button", "aria-keyshortcuts": "Alt+P", "aria-pressed": "false" },
    },
    "Pause",
  );
  const feedback = h("div", { class: "key-feedback", attrs: { role: "status", "aria-live": "polite" } });
  const draftBanner = h("div", { class: "banner draft-banner", attrs: { hidden: true } });
  const startBtn = h("button", { class: "btn btn-primary btn-small", attrs: { type: "button" } }, "Start interview");
  draftBanner.append(h("span", {}, "Prepared as a draft: the clock starts when you start. "), startBtn);
  const outlineList = h("ol", { class: "outline-list" });
  const outline = h(
    "nav",
    { class: "outline", attrs: { "aria-labelledby": "outline-title" } },
    h("h2", { id: "outline-title", class: "outline-title" }, "Questions"),
    outlineList,
  );
  const sync = syncIndicator(ctx.backend);
  const bar = topBar("Interview", back, [indicator.el, sync.el, helpBtn]);
  const title = bar.querySelector("h1") as HTMLHeadingElement;
  // The candidate's name is also the way to fix the details (candidate,
  // role, interviewer) before submitting, without leaving the question.
  const titleBtn = h("button", { class: "title-btn", attrs: { type: "button" } });
  titleBtn.addEventListener("click", () => void editDetails());
  const progress = h("span", { class: "progress" });
  const qTimer = h("span", { class: "timer", attrs: { title: "Time on this question / its budget" } });
  const allTimer = h("span", { class: "timer", attrs: { title: "Interview time / total budget" } });
  const strip = h("ul", { class: "strip", attrs: { "aria-label": "Competencies with evidence" } });
  const banner = h("p", { class: "banner", attrs: { hidden: true } });
  const body = h("main", { class: "content live", attrs: { tabindex: "-1", "aria-label": "Question" } });
  // Look-fors and follow-ups: under the rubric when compact; when wide the
  // look-fors sit beside it above the notes, the follow-ups under it.
  const extras = h("div", { class: "extras" });
  const followUpsBox = h("div", { class: "extras extras-fu" });
  const side = h("div", { class: "live-side" });
  const prevBtn = h(
    "button",
    { class: "btn", attrs: { type: "button", "aria-keyshortcuts": "Alt+ArrowLeft" } },
    "← Prev",
  );
  const skipBtn = h("button", { class: "btn", attrs: { type: "button", "aria-keyshortcuts": "Alt+0" } }, "Skip");
  const nextBtn = h(
    "button",
    { class: "btn btn-primary", attrs: { type: "button", "aria-keyshortcuts": "Alt+ArrowRight Control+Enter" } },
    "Next →",
  );
  const footer = h(
    "nav",
    { class: "navbar", attrs: { "aria-label": "Question navigation" } },
    prevBtn,
    skipBtn,
    nextBtn,
  );
  const notesId = nextId("notes");
  const notesBox = h("textarea", {
    id: notesId,
    class: "notes",
    attrs: { rows: 4, spellcheck: "true", "aria-keyshortcuts": "Alt+N" },
  });
  const notesLabel = h("label", { attrs: { for: notesId } }, "Notes");
  const stampBtn = h(
    "button",
    {
      class: "btn btn-small",
      attrs: { type: "button", "aria-keyshortcuts": "Alt+T", title: "Stamp the interview time (Alt+T)" },
    },
    "Stamp",
  );
  const notesDock = h(
    "section",
    { class: "notes-dock", attrs: { "aria-label": "Notes" } },
    h("div", { class: "notes-head" }, notesLabel, h("span", { class: "hint" }, "type anywhere"), stampBtn),
    notesBox,
  );
  const status = h(
    "div",
    { class: "statusline" },
    progress,
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
  side.appendChild(notesDock);
  const layout = h("div", { class: "live-body" }, outline, body, side);
  const el = h(
    "div",
    { class: "screen screen-live" },
    bar,
    h("section", { class: "subbar", attrs: { "aria-label": "Progress" } }, status, strip, banner, draftBanner),
    layout,
    footer,
    feedback,
  );
  const keymap = keyMapDialog();
  el.appendChild(keymap);
  helpBtn.addEventListener("click", () => keymap.showModal());

  // Compact or wide: the look-fors and follow-ups sit under the rubric, or
  // beside it above the notes.
  const wideMedia = typeof window.matchMedia === "function" ? window.matchMedia(WIDE_QUERY) : null;
  const placeExtras = () => {
    const wide = wideMedia?.matches ?? false;
    el.classList.toggle("live-wide", wide);
    if (wide) side.insertBefore(extras, notesDock);
    else body.appendChild(extras);
    body.appendChild(followUpsBox);
  };
  placeExtras();
  wideMedia?.addEventListener?.("change", placeExtras);

  // Per-question controls, rebuilt on every question change.
  let levelButtons: HTMLButtonElement[] = [];
  let lookForBoxes: HTMLInputElement[] = [];
  let followUpBoxes: HTMLInputElement[] = [];
  let qHeading: HTMLElement | null = null;
  let skippedMark: HTMLElement | null = null;

  const entry = (): Entry | null => session?.entries[index] ?? null;

  function renderTimers() {
    if (!session) return;
    const e = entry();
    if (!e) return;
    const running = locked ? 0 : Math.floor(qclock.runningMs() / 1000);
    const q = againstBudget(e.seconds_spent + running, e.question.minutes);
    const all = againstBudget(interviewSeconds(), session.budget_minutes);
    qTimer.textContent = q.text;
    qTimer.classList.toggle("over", q.over);
    allTimer.textContent = all.text;
    allTimer.classList.toggle("over", all.over);
  }

  /** The honest interview clock: time the interview ran, paused or closed time excluded. */
  function interviewSeconds(): number {
    const running = locked ? 0 : Math.floor(qclock.runningMs() / 1000);
    return interviewBase + running;
  }

  let feedbackTimer: number | undefined;
  /** Brief, announced feedback for a command ("Look-for 2 ✓"). */
  function say(text: string) {
    feedback.textContent = text;
    feedback.classList.add("on");
    window.clearTimeout(feedbackTimer);
    feedbackTimer = window.setTimeout(() => feedback.classList.remove("on"), 1800);
  }

  function clockRunning(): boolean {
    return !locked && !draft && !paused;
  }

  function renderPause() {
    pauseBtn.hidden = locked || draft;
    pauseBtn.textContent = paused ? "Resume" : "Pause";
    pauseBtn.setAttribute("aria-pressed", paused ? "true" : "false");
    allTimer.classList.toggle("paused", paused);
    el.classList.toggle("is-paused", paused);
    draftBanner.hidden = !draft || locked;
  }

  function renderOutline() {
    if (!session) return;
    clear(outlineList);
    session.entries.forEach((e, i) => {
      const mark = e.score !== null ? `${e.score}` : e.skipped ? "–" : "";
      const b = h(
        "button",
        { class: `outline-item${i === index ? " current" : ""}`, attrs: { type: "button" } },
        h("span", { class: "outline-mark", attrs: { "aria-hidden": "true" } }, mark || "·"),
        h("span", { class: "outline-text" }, `${i + 1}. ${e.question.prompt}`),
      );
      if (i === index) b.setAttribute("aria-current", "step");
      const state = e.score !== null ? `, scored ${e.score}` : e.skipped ? ", skipped" : "";
      b.setAttribute("aria-label", `${i + 1}. ${e.question.prompt}${state}`);
      b.addEventListener("click", () => goTo(i));
      outlineList.appendChild(h("li", {}, b));
    });
  }

  function renderStrip() {
    if (!session) return;
    clear(strip);
    const current = entry()?.question.competency;
    for (const c of competencyEvidence(session)) {
      const li = h(
        "li",
        { class: `chip${c.evidence ? " chip-on" : ""}${c.id === current ? " chip-current" : ""}` },
        h("span", { class: "chip-dot", attrs: { "aria-hidden": "true" } }, c.evidence ? "●" : "○"),
        c.name,
      );
      li.setAttribute("aria-label", `${c.name}: ${c.evidence ? "has evidence" : "no evidence yet"}`);
      strip.appendChild(li);
    }
  }

  function renderLevels() {
    const e = entry();
    if (!e) return;
    for (const b of levelButtons) {
      const on = Number(b.dataset.level) === e.score;
      b.setAttribute("aria-pressed", on ? "true" : "false");
    }
  }

  function renderNav() {
    if (!session) return;
    progress.textContent = `${index + 1} of ${session.entries.length}`;
    prevBtn.disabled = index === 0;
    const last = index === session.entries.length - 1;
    nextBtn.textContent = last ? "Wrap-up →" : "Next →";
    skipBtn.disabled = locked;
    const e = entry();
    skipBtn.textContent = e?.skipped ? "Skipped" : "Skip";
    skipBtn.setAttribute("aria-pressed", e?.skipped ? "true" : "false");
    if (skippedMark) skippedMark.hidden = !e?.skipped;
    renderOutline();
  }

  function renderQuestion() {
    const e = entry();
    if (!session || !e) return;
    const q = e.question;
    clear(body);
    const headingId = nextId("q");
    qHeading = h("h2", { class: "prompt", id: headingId, attrs: { tabindex: "-1" } }, q.prompt);
    const meta = h(
      "p",
      { class: "q-meta" },
      h("strong", {}, e.competency_name),
      ` · ${q.seniority} · ${q.kind} · ${q.minutes} min`,
    );
    skippedMark = h("span", { class: "skipped-mark", attrs: { hidden: !e.skipped } }, " · skipped");
    meta.appendChild(skippedMark);

    levelButtons = q.rubric.levels.map((l) => {
      const b = h(
        "button",
        {
          class: "level",
          attrs: { type: "button", "aria-pressed": "false", "aria-keyshortcuts": `Alt+${l.value} Control+${l.value}` },
        },
        h("span", { class: "level-head" }, h("kbd", {}, String(l.value)), h("span", { class: "level-label" }, l.label)),
        h("span", { class: "level-anchor" }, l.anchor),
      );
      b.dataset.level = String(l.value);
      b.addEventListener("click", () => void doAction({ type: "score", level: l.value }));
      return b;
    });
    const levels = h(
      "div",
      { class: "levels", attrs: { role: "group", "aria-labelledby": "score-title" } },
      ...levelButtons,
    );
    const expand = h(
      "button",
      { class: "btn btn-ghost btn-small anchors-toggle", attrs: { type: "button", "aria-expanded": "false" } },
      "Full anchors",
    );
    expand.addEventListener("click", () => {
      const open = !levels.classList.contains("anchors-full");
      levels.classList.toggle("anchors-full", open);
      expand.setAttribute("aria-expanded", open ? "true" : "false");
      expand.textContent = open ? "Short anchors" : "Full anchors";
    });

    lookForBoxes = [];
    const lfList = h("ul", { class: "toggles" });
    q.look_fors.forEach((text, i) => {
      const box = h("input", { attrs: { type: "checkbox", disabled: locked } });
      box.checked = e.look_fors_hit.includes(i);
      const key = LOOK_FOR_KEYS[i];
      if (key) box.setAttribute("aria-keyshortcuts", `Alt+${key.toUpperCase()}`);
      box.addEventListener("change", () => toggleLookFor(i, box.checked));
      lookForBoxes.push(box);
      lfList.appendChild(
        h(
          "li",
          {},
          h(
            "label",
            { class: "toggle" },
            box,
            key ? h("kbd", {}, `Alt+${key.toUpperCase()}`) : null,
            h("span", {}, text),
          ),
        ),
      );
    });

    followUpBoxes = [];
    const fuList = h("ul", { class: "toggles" });
    q.follow_ups.forEach((text, i) => {
      const box = h("input", { attrs: { type: "checkbox", disabled: locked } });
      box.checked = e.follow_ups_asked.includes(i);
      const key = FOLLOW_UP_KEYS[i];
      if (key) box.setAttribute("aria-keyshortcuts", `Alt+${key.toUpperCase()}`);
      box.addEventListener("change", () => toggleFollowUp(i, box.checked));
      followUpBoxes.push(box);
      fuList.appendChild(
        h(
          "li",
          {},
          h(
            "label",
            { class: "toggle" },
            box,
            key ? h("kbd", {}, `Alt+${key.toUpperCase()}`) : null,
            h("span", {}, text),
          ),
        ),
      );
    });

    notesBox.value = e.notes;
    notesBox.readOnly = locked;
    stampBtn.disabled = locked;
    notesLabel.textContent = `Notes · question ${index + 1}`;

    clear(extras);
    clear(followUpsBox);
    append(
      body,
      h("div", { class: "q-card" }, meta, qHeading),
      h(
        "section",
        { class: "rubric", attrs: { "aria-labelledby": "score-title" } },
        h(
          "div",
          { class: "rubric-head" },
          h("h3", { id: "score-title" }, "Score ", h("span", { class: "hint" }, "Alt+1–4")),
          expand,
        ),
        levels,
      ),
    );
    append(
      extras,
      q.look_fors.length
        ? h("section", { attrs: { "aria-labelledby": "lf-title" } }, h("h3", { id: "lf-title" }, "Look-fors"), lfList)
        : null,
    );
    append(
      followUpsBox,
      q.follow_ups.length
        ? h(
            "section",
            { attrs: { "aria-labelledby": "fu-title" } },
            h("h3", { id: "fu-title" }, "Follow-ups asked"),
            fuList,
          )
        : null,
    );
    placeExtras();
    renderLevels();
    renderNav();
    renderStrip();
    renderTimers();
  }

  function append(parent: HTMLElement, ...children: (HTMLElement | null)[]) {
    for (const c of children) if (c) parent.appendChild(c);
  }

  function enqueue(key: string, run: () => Promise<void>) {
    queue.enqueue(key, run);
  }

  function recordTime(restart: boolean) {
    if (locked) return;
    const r = qclock.stop(restart);
    if (!r || r.seconds <= 0 || !session) return;
    const e = session.entries.find((x) => x.question.id === r.questionId);
    if (e) e.seconds_spent += r.seconds;
    interviewBase += r.seconds;
    const { questionId, seconds } = r;
    enqueue(`time:${questionId}:${Date.now()}:${Math.random()}`, () => backend.addTime(sessionId, questionId, seconds));
  }

  function goTo(i: number, focusHeading = true) {
    if (!session) return;
    const target = Math.max(0, Math.min(session.entries.length - 1, i));
    notes.commit();
    recordTime(false);
    index = target;
    const e = entry();
    if (e && clockRunning()) qclock.start(e.question.id);
    renderQuestion();
    body.scrollTop = 0;
    if (focusHeading) qHeading?.focus({ preventScroll: true });
  }

  function next() {
    if (!session) return;
    if (index >= session.entries.length - 1) void ctx.go({ name: "wrap", id: sessionId });
    else goTo(index + 1);
  }

  function ensureStarted() {
    if (!draft || locked) return;
    draft = false;
    if (session) session.status = "in_progress";
    const e = entry();
    if (e && clockRunning()) qclock.start(e.question.id);
    renderPause();
  }

  async function start() {
    ensureStarted();
    try {
      const view = await backend.startSession(sessionId);
      if (session) {
        session.status = view.status;
        session.started_at = view.started_at;
      }
      say("Interview started");
    } catch (err) {
      toast(`Cannot start: ${(err as Error).message}`, "error");
    }
  }

  function togglePause() {
    if (locked || draft) return;
    if (!paused) {
      recordTime(false);
      paused = true;
      say("Paused — the clock is stopped");
    } else {
      paused = false;
      const e = entry();
      if (e) qclock.start(e.question.id);
      say("Resumed");
    }
    renderPause();
    renderTimers();
  }

  /** Sets score and skipped locally and saves them (one queued call). */
  function writeScore(e: Entry, score: number | null, skipped: boolean) {
    e.score = skipped ? null : score;
    e.skipped = skipped;
    const qid = e.question.id;
    if (skipped) enqueue(`score:${qid}`, () => backend.setSkipped(sessionId, qid, true));
    else enqueue(`score:${qid}`, () => backend.setScore(sessionId, qid, score));
  }

  function undo() {
    if (!session || locked) return;
    const step = undoStack.pop();
    if (!step) {
      say("Nothing to undo");
      return;
    }
    if (step.index !== index) goTo(step.index);
    const e = entry();
    if (!e) return;
    if (step.kind === "score") {
      writeScore(e, step.score, step.skipped);
      renderLevels();
      renderNav();
      renderStrip();
    } else if (step.kind === "lookFor") {
      toggleLookFor(step.item, step.on, false);
    } else {
      toggleFollowUp(step.item, step.on, false);
    }
    say(`Undone: ${step.label}`);
  }

  async function editDetails() {
    if (!session || locked) return;
    const updated = await detailsDialog(ctx, session);
    if (updated && session) {
      // Only the details: the entries here may hold notes not saved yet.
      session.candidate = updated.candidate;
      session.role = updated.role;
      session.interviewer = updated.interviewer;
      renderTitle();
      toast("Details saved.");
    }
    titleBtn.focus({ preventScroll: true });
  }

  function renderTitle() {
    if (!session) return;
    document.title = `${session.candidate.name} – Panelist`;
    if (locked) {
      title.textContent = session.candidate.name;
      return;
    }
    titleBtn.textContent = session.candidate.name;
    const who = `${session.candidate.name}${session.role ? `, ${session.role}` : ""}, interviewed by ${session.interviewer}`;
    titleBtn.setAttribute("aria-label", `${session.candidate.name}: edit details (${who})`);
    titleBtn.title = "Edit details";
    title.replaceChildren(titleBtn);
  }

  async function setScore(level: number) {
    const e = entry();
    if (!session || !e) return;
    if (locked) {
      if (e.score === level) return;
      const updated = await amendDialog(ctx, session, e, level);
      if (updated) {
        session = updated;
        renderQuestion();
        toast("Score amended.");
        say(`Amended: ${levelText(e, level)}`);
      }
      qHeading?.focus({ preventScroll: true });
      return;
    }
    ensureStarted();
    const value = e.score === level ? null : level;
    const label = value === null ? `${levelText(e, level)} cleared` : levelText(e, level);
    undoStack.push({ kind: "score", index, score: e.score, skipped: e.skipped, label });
    writeScore(e, value, false);
    say(label);
    renderLevels();
    renderNav();
    renderStrip();
  }

  function skip() {
    const e = entry();
    if (!e || locked) return;
    ensureStarted();
    undoStack.push({
      kind: "score",
      index,
      score: e.score,
      skipped: e.skipped,
      label: `Skip of question ${index + 1}`,
    });
    writeScore(e, null, true);
    say(`Question ${index + 1} skipped`);
    next();
  }

  function toggleLookFor(i: number, on: boolean, record = true) {
    const e = entry();
    if (!e || locked) return;
    ensureStarted();
    const label = `Look-for ${i + 1} ${on ? "✓" : "cleared"}`;
    if (record) {
      undoStack.push({ kind: "lookFor", index, item: i, on: !on, label });
      say(label);
    }
    e.look_fors_hit = on ? [...new Set([...e.look_fors_hit, i])] : e.look_fors_hit.filter((x) => x !== i);
    const box = lookForBoxes[i];
    if (box) box.checked = on;
    const qid = e.question.id;
    enqueue(`lf:${qid}:${i}`, () => backend.setLookFor(sessionId, qid, i, on));
  }

  function toggleFollowUp(i: number, on: boolean, record = true) {
    const e = entry();
    if (!e || locked) return;
    ensureStarted();
    const label = `Follow-up ${i + 1} ${on ? "asked ✓" : "cleared"}`;
    if (record) {
      undoStack.push({ kind: "followUp", index, item: i, on: !on, label });
      say(label);
    }
    e.follow_ups_asked = on ? [...new Set([...e.follow_ups_asked, i])] : e.follow_ups_asked.filter((x) => x !== i);
    const box = followUpBoxes[i];
    if (box) box.checked = on;
    const qid = e.question.id;
    enqueue(`fu:${qid}:${i}`, () => backend.setFollowUp(sessionId, qid, i, on));
  }

  function focusNotesAtEnd() {
    notesBox.focus();
    const n = notesBox.value.length;
    notesBox.setSelectionRange(n, n);
    notesBox.scrollTop = notesBox.scrollHeight;
  }

  function stamp() {
    const e = entry();
    if (!session || !e || locked) return;
    ensureStarted();
    const text = stampNotes(notesBox.value, clock(interviewSeconds()));
    notesBox.value = text;
    e.notes = text;
    notes.edit(e.question.id, text);
    focusNotesAtEnd();
  }

  /** A character typed outside the notes: into the notes at the cursor's end. */
  function typeIntoNotes(text: string) {
    const e = entry();
    if (!e) return;
    if (locked) {
      say("Notes are read-only: this interview is submitted");
      return;
    }
    if (document.activeElement !== notesBox) focusNotesAtEnd();
    const at = notesBox.selectionEnd ?? notesBox.value.length;
    notesBox.setRangeText(text, at, at, "end");
    onNotesInput();
  }

  async function doAction(a: Action) {
    switch (a.type) {
      case "type":
        return typeIntoNotes(a.text);
      case "undo":
        return undo();
      case "pause":
        return togglePause();
      case "score":
        return setScore(a.level);
      case "skip":
        return skip();
      case "lookFor": {
        const box = lookForBoxes[a.index];
        if (box && !box.disabled) toggleLookFor(a.index, !box.checked);
        return;
      }
      case "followUp": {
        const box = followUpBoxes[a.index];
        if (box && !box.disabled) toggleFollowUp(a.index, !box.checked);
        return;
      }
      case "next":
        if (session && index < session.entries.length - 1) say(`Question ${index + 2} of ${session.entries.length}`);
        return next();
      case "prev":
        if (index > 0) say(`Question ${index} of ${session?.entries.length ?? 0}`);
        return goTo(index - 1);
      case "focusNotes":
        return focusNotesAtEnd();
      case "leaveNotes":
        notesBox.blur();
        qHeading?.focus({ preventScroll: true });
        return;
      case "stamp":
        stamp();
        return say("Time stamped");
      case "wrapUp":
        return void ctx.go({ name: "wrap", id: sessionId });
      case "help":
        if (!keymap.open) keymap.showModal();
        return;
    }
  }

  const onKey = (ev: KeyboardEvent) => {
    if (!session || document.querySelector("dialog[open]")) return;
    const e = entry();
    if (!e) return;
    const a = actionForKey(ev, {
      focus: focusPlace(ev.target, notesBox),
      levels: e.question.rubric.levels.map((l) => l.value),
      lookFors: e.question.look_fors.length,
      followUps: e.question.follow_ups.length,
    });
    if (!a) return;
    ev.preventDefault();
    void doAction(a);
  };

  function onNotesInput() {
    const cur = entry();
    if (!cur || locked) return;
    ensureStarted();
    cur.notes = notesBox.value;
    notes.edit(cur.question.id, notesBox.value);
  }
  notesBox.addEventListener("input", onNotesInput);
  notesBox.addEventListener("blur", () => notes.commit());
  stampBtn.addEventListener("click", () => void doAction({ type: "stamp" }));

  prevBtn.addEventListener("click", () => goTo(index - 1));
  nextBtn.addEventListener("click", () => next());
  skipBtn.addEventListener("click", () => skip());
  pauseBtn.addEventListener("click", () => togglePause());
  startBtn.addEventListener("click", () => void start());

  const tick = window.setInterval(renderTimers, 1000);
  // Save the running question time now and then, so a crash loses little.
  const heartbeat = window.setInterval(() => {
    if (clockRunning()) recordTime(true);
  }, TIME_HEARTBEAT_MS);
  document.addEventListener("keydown", onKey);
  const unregister = registerFlusher(async () => {
    recordTime(true);
    await notes.flush(800);
  });

  void (async () => {
    try {
      session = await backend.getSession(sessionId);
    } catch (err) {
      clear(body);
      body.appendChild(
        h("p", { class: "error", attrs: { role: "alert" } }, `Cannot open this interview: ${(err as Error).message}`),
      );
      return;
    }
    locked = session.status === "submitted";
    draft = session.status === "draft";
    interviewBase = session.interview_seconds;
    renderTitle();
    if (locked) {
      banner.hidden = false;
      banner.textContent = "Submitted. Notes are read-only; a score change asks for a reason.";
    }
    index = Math.max(0, Math.min(session.entries.length - 1, startIndex ?? resumeIndex(session)));
    const e = entry();
    if (e && clockRunning()) qclock.start(e.question.id);
    renderPause();
    renderQuestion();
    (qHeading as HTMLElement | null)?.focus({ preventScroll: true });
  })();

  return {
    el,
    title: "Interview – Panelist",
    async leave() {
      window.clearInterval(tick);
      window.clearInterval(heartbeat);
      window.clearTimeout(feedbackTimer);
      wideMedia?.removeEventListener?.("change", placeExtras);
      document.removeEventListener("keydown", onKey);
      recordTime(false);
      await notes.flush(2000);
      unregister();
      indicator.dispose();
      sync.dispose();
    },
  };
}
