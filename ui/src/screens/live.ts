// Live interview: one question at a time, scored against its rubric while
// the candidate talks. Every change is one backend call through the save
// queue; notes autosave within ~300 ms and flush on every way out.
//
// The parts live in `live/`: the static frame (`frame.ts`), the rubric and
// checklists (`rubric.ts`), the outline and competency strip (`outline.ts`),
// the clocks (`timer.ts`) and the pure logic with the undo steps
// (`model.ts`). This file is the controller that ties them together.
import type { Ctx, Screen } from "../app";
import type { Entry } from "../bindings/Entry";
import type { SessionView } from "../types";
import { clear, h, nextId, toast } from "../dom";
import { clock } from "../format";
import { registerFlusher } from "../flush";
import { FOLLOW_UP_KEYS, LOOK_FOR_KEYS, actionForKey, focusPlace, type Action } from "../keys";
import { NotesAutosave, stampNotes } from "../notes";
import { saveIndicator } from "../widgets";
import { amendDialog } from "./amend";
import { detailsDialog } from "./details";
import { buildFrame, type LiveFrame } from "./live/frame";
import { levelText, resumeIndex, withItem, type UndoStep } from "./live/model";
import { renderOutline, renderStrip } from "./live/outline";
import { checklist, checklistSection, rubricSection, showScore } from "./live/rubric";
import { LiveClock } from "./live/timer";
import "../styles/live.css";

export { competencyEvidence, levelText, resumeIndex, type UndoStep } from "./live/model";

/** Seconds between saves of the running question time (a crash loses at most this). */
export const TIME_HEARTBEAT_MS = 15_000;
/** Wide layout from this window width: rubric beside look-fors and notes, with an outline. */
export const WIDE_QUERY = "(min-width: 1000px)";

type Checklist = "lookFor" | "followUp";

class LiveController {
  session: SessionView | null = null;
  index = 0;
  readonly clock = new LiveClock();
  readonly undoStack: UndoStep[] = [];
  readonly notes: NotesAutosave;
  readonly f: LiveFrame;
  readonly wideMedia: MediaQueryList | null;
  levelButtons: HTMLButtonElement[] = [];
  boxes: Record<Checklist, HTMLInputElement[]> = { lookFor: [], followUp: [] };
  qHeading: HTMLElement | null = null;
  skippedMark: HTMLElement | null = null;
  feedbackTimer: number | undefined;

  constructor(
    readonly ctx: Ctx,
    readonly sessionId: string,
  ) {
    this.notes = new NotesAutosave(ctx.queue, (qid, text) => ctx.backend.setNotes(sessionId, qid, text), {
      onChange: () => this.f.indicator.refresh(),
    });
    this.f = buildFrame(
      ctx,
      saveIndicator(ctx.queue, () => this.notes.hasDirty),
    );
    this.wideMedia = typeof window.matchMedia === "function" ? window.matchMedia(WIDE_QUERY) : null;
    this.placeExtras();
    this.wideMedia?.addEventListener?.("change", this.placeExtras);
    this.wire();
  }

  get locked(): boolean {
    return this.clock.locked;
  }

  entry(): Entry | null {
    return this.session?.entries[this.index] ?? null;
  }

  /**
   * Compact or wide. Compact: the look-fors and follow-ups scroll on their own
   * under the rubric, so reaching any of them never scrolls the levels away.
   * Wide: the look-fors sit beside the rubric above the notes, the follow-ups
   * under it.
   */
  readonly placeExtras = () => {
    const { el, side, extras, notesDock, checks, followUpsBox } = this.f;
    const wide = this.wideMedia?.matches ?? false;
    el.classList.toggle("live-wide", wide);
    if (wide) side.insertBefore(extras, notesDock);
    else checks.appendChild(extras);
    checks.appendChild(followUpsBox);
  };

  private wire() {
    const f = this.f;
    f.titleBtn.addEventListener("click", () => void this.editDetails());
    f.notesBox.addEventListener("input", () => this.onNotesInput());
    f.notesBox.addEventListener("blur", () => this.notes.commit());
    f.stampBtn.addEventListener("click", () => void this.doAction({ type: "stamp" }));
    f.prevBtn.addEventListener("click", () => this.goTo(this.index - 1));
    f.nextBtn.addEventListener("click", () => this.next());
    f.skipBtn.addEventListener("click", () => this.skip());
    f.pauseBtn.addEventListener("click", () => this.togglePause());
    f.resumeBtn.addEventListener("click", () => this.togglePause());
    f.wrapBtn.addEventListener("click", () => void this.ctx.go({ name: "wrap", id: this.sessionId }));
    f.startBtn.addEventListener("click", () => void this.start());
  }

  renderTimers() {
    const e = this.entry();
    if (!this.session || !e) return;
    this.clock.render(e, this.session.budget_minutes, this.f.qTimer, this.f.allTimer);
  }

  /** Brief, announced feedback for a command ("Look-for 2 ✓"). */
  say(text: string) {
    const { feedback } = this.f;
    feedback.textContent = text;
    feedback.classList.add("on");
    window.clearTimeout(this.feedbackTimer);
    // Gone after a moment: cleared, not faded (a half-faded text is unreadable).
    this.feedbackTimer = window.setTimeout(() => {
      feedback.classList.remove("on");
      feedback.textContent = "";
    }, 1800);
  }

  renderPause() {
    const { pauseBtn, pausedBar, allTimer, el, draftBanner } = this.f;
    const { locked, draft, paused } = this.clock;
    pauseBtn.hidden = locked || draft;
    pauseBtn.textContent = paused ? "Resume" : "Pause";
    pauseBtn.setAttribute("aria-pressed", paused ? "true" : "false");
    allTimer.classList.toggle("paused", paused);
    el.classList.toggle("is-paused", paused);
    pausedBar.hidden = !paused || locked || draft;
    draftBanner.hidden = !draft || locked;
  }

  renderNav() {
    const s = this.session;
    if (!s) return;
    const { progress, prevBtn, nextBtn, skipBtn, wrapBtn } = this.f;
    progress.textContent = `${this.index + 1} of ${s.entries.length}`;
    prevBtn.disabled = this.index === 0;
    const last = this.index === s.entries.length - 1;
    nextBtn.textContent = last ? "Wrap-up →" : "Next →";
    // On the last question Next is the way to wrap-up; one button says it.
    wrapBtn.hidden = last;
    skipBtn.disabled = this.locked;
    const e = this.entry();
    skipBtn.textContent = e?.skipped ? "Skipped" : "Skip";
    skipBtn.setAttribute("aria-pressed", e?.skipped ? "true" : "false");
    if (this.skippedMark) this.skippedMark.hidden = !e?.skipped;
    renderOutline(this.f.outlineList, s, this.index, (i) => this.goTo(i));
  }

  /** The score, navigation and strip after a score or skip changed. */
  renderScored() {
    showScore(this.levelButtons, this.entry()?.score ?? null);
    this.renderNav();
    if (this.session) renderStrip(this.f.strip, this.session, this.entry()?.question.competency);
  }

  renderQuestion() {
    const e = this.entry();
    if (!this.session || !e) return;
    const f = this.f;
    const q = e.question;
    clear(f.top);
    this.qHeading = h("h2", { class: "prompt", id: nextId("q"), attrs: { tabindex: "-1" } }, q.prompt);
    const meta = h(
      "p",
      { class: "q-meta" },
      h("strong", {}, e.competency_name),
      ` · ${q.seniority} · ${q.kind} · ${q.minutes} min`,
    );
    this.skippedMark = h("span", { class: "skipped-mark", attrs: { hidden: !e.skipped } }, " · skipped");
    meta.appendChild(this.skippedMark);
    const rubric = rubricSection(e, (level) => void this.doAction({ type: "score", level }));
    this.levelButtons = rubric.levelButtons;
    const lf = checklist(q.look_fors, e.look_fors_hit, LOOK_FOR_KEYS, this.locked, (i, on) =>
      this.toggle("lookFor", i, on),
    );
    const fu = checklist(q.follow_ups, e.follow_ups_asked, FOLLOW_UP_KEYS, this.locked, (i, on) =>
      this.toggle("followUp", i, on),
    );
    this.boxes = { lookFor: lf.boxes, followUp: fu.boxes };
    f.notesBox.value = e.notes;
    f.notesBox.readOnly = this.locked;
    f.stampBtn.disabled = this.locked;
    f.notesLabel.textContent = `Notes · question ${this.index + 1}`;
    clear(f.extras);
    clear(f.followUpsBox);
    // A region of its own: when compact it scrolls a long prompt, by keyboard too.
    const card = h(
      "div",
      { class: "q-card", attrs: { role: "region", tabindex: "0", "aria-labelledby": this.qHeading.id } },
      meta,
      this.qHeading,
    );
    f.top.append(card, rubric.section);
    const lfSection = checklistSection("lf-title", "Look-fors", lf.list, q.look_fors.length);
    if (lfSection) f.extras.appendChild(lfSection);
    const fuSection = checklistSection("fu-title", "Follow-ups asked", fu.list, q.follow_ups.length);
    if (fuSection) f.followUpsBox.appendChild(fuSection);
    this.placeExtras();
    this.renderScored();
    this.renderTimers();
  }

  recordTime(restart: boolean) {
    const r = this.clock.take(restart);
    if (!r || !this.session) return;
    const e = this.session.entries.find((x) => x.question.id === r.questionId);
    if (e) e.seconds_spent += r.seconds;
    const { questionId, seconds } = r;
    this.ctx.queue.enqueue(`time:${questionId}:${Date.now()}:${Math.random()}`, () =>
      this.ctx.backend.addTime(this.sessionId, questionId, seconds),
    );
  }

  goTo(i: number, focusHeading = true) {
    if (!this.session) return;
    const target = Math.max(0, Math.min(this.session.entries.length - 1, i));
    this.notes.commit();
    this.recordTime(false);
    this.index = target;
    const e = this.entry();
    if (e && this.clock.running()) this.clock.question.start(e.question.id);
    this.renderQuestion();
    this.f.body.scrollTop = 0;
    this.f.top.scrollTop = 0;
    this.f.checks.scrollTop = 0;
    if (focusHeading) this.qHeading?.focus({ preventScroll: true });
  }

  next() {
    if (!this.session) return;
    if (this.index >= this.session.entries.length - 1) void this.ctx.go({ name: "wrap", id: this.sessionId });
    else this.goTo(this.index + 1);
  }

  ensureStarted() {
    if (!this.clock.draft || this.locked) return;
    this.clock.draft = false;
    if (this.session) this.session.status = "in_progress";
    const e = this.entry();
    if (e && this.clock.running()) this.clock.question.start(e.question.id);
    this.renderPause();
  }

  async start() {
    this.ensureStarted();
    try {
      const view = await this.ctx.backend.startSession(this.sessionId);
      if (this.session) {
        this.session.status = view.status;
        this.session.started_at = view.started_at;
      }
      this.say("Interview started");
    } catch (err) {
      toast(`Cannot start: ${(err as Error).message}`, "error");
    }
  }

  togglePause() {
    if (this.locked || this.clock.draft) return;
    if (!this.clock.paused) {
      this.recordTime(false);
      this.clock.paused = true;
      this.say("Paused — the clock is stopped");
    } else {
      this.clock.paused = false;
      const e = this.entry();
      if (e) this.clock.question.start(e.question.id);
      this.say("Resumed");
    }
    this.renderPause();
    this.renderTimers();
  }

  /** Sets score and skipped locally and saves them (one queued call). */
  writeScore(e: Entry, score: number | null, skipped: boolean) {
    e.score = skipped ? null : score;
    e.skipped = skipped;
    const qid = e.question.id;
    const { backend } = this.ctx;
    if (skipped) this.ctx.queue.enqueue(`score:${qid}`, () => backend.setSkipped(this.sessionId, qid, true));
    else this.ctx.queue.enqueue(`score:${qid}`, () => backend.setScore(this.sessionId, qid, score));
  }

  undo() {
    if (!this.session || this.locked) return;
    const step = this.undoStack.pop();
    if (!step) {
      this.say("Nothing to undo");
      return;
    }
    if (step.index !== this.index) this.goTo(step.index);
    const e = this.entry();
    if (!e) return;
    if (step.kind === "score") {
      this.writeScore(e, step.score, step.skipped);
      this.renderScored();
    } else {
      this.toggle(step.kind, step.item, step.on, false);
    }
    this.say(`Undone: ${step.label}`);
  }

  async editDetails() {
    if (!this.session || this.locked) return;
    const updated = await detailsDialog(this.ctx, this.session);
    if (updated && this.session) {
      // Only the details: the entries here may hold notes not saved yet.
      this.session.candidate = updated.candidate;
      this.session.role = updated.role;
      this.session.interviewer = updated.interviewer;
      this.renderTitle();
      toast("Details saved.");
    }
    this.f.titleBtn.focus({ preventScroll: true });
  }

  renderTitle() {
    const s = this.session;
    if (!s) return;
    const { title, titleBtn } = this.f;
    document.title = `${s.candidate.name} – Panelist`;
    if (this.locked) {
      title.textContent = s.candidate.name;
      return;
    }
    titleBtn.textContent = s.candidate.name;
    const who = `${s.candidate.name}${s.role ? `, ${s.role}` : ""}, interviewed by ${s.interviewer}`;
    titleBtn.setAttribute("aria-label", `${s.candidate.name}: edit details (${who})`);
    titleBtn.title = "Edit details";
    title.replaceChildren(titleBtn);
  }

  async setScore(level: number) {
    const e = this.entry();
    if (!this.session || !e) return;
    if (this.locked) return this.amend(e, level);
    this.ensureStarted();
    const value = e.score === level ? null : level;
    const label = value === null ? `${levelText(e, level)} cleared` : levelText(e, level);
    this.undoStack.push({ kind: "score", index: this.index, score: e.score, skipped: e.skipped, label });
    this.writeScore(e, value, false);
    this.say(label);
    this.renderScored();
  }

  /** A submitted interview's score changes only by an amendment with a reason. */
  async amend(e: Entry, level: number) {
    if (!this.session || e.score === level) return;
    const updated = await amendDialog(this.ctx, this.session, e, level);
    if (updated) {
      this.session = updated;
      this.renderQuestion();
      toast("Score amended.");
      this.say(`Amended: ${levelText(e, level)}`);
    }
    this.qHeading?.focus({ preventScroll: true });
  }

  skip() {
    const e = this.entry();
    if (!e || this.locked) return;
    this.ensureStarted();
    const label = `Skip of question ${this.index + 1}`;
    this.undoStack.push({ kind: "score", index: this.index, score: e.score, skipped: e.skipped, label });
    this.writeScore(e, null, true);
    this.say(`Question ${this.index + 1} skipped`);
    this.next();
  }

  /** Ticks or clears look-for / follow-up `i`; `record` puts it on the undo stack. */
  toggle(kind: Checklist, i: number, on: boolean, record = true) {
    const e = this.entry();
    if (!e || this.locked) return;
    this.ensureStarted();
    const label =
      kind === "lookFor"
        ? `Look-for ${i + 1} ${on ? "✓" : "cleared"}`
        : `Follow-up ${i + 1} ${on ? "asked ✓" : "cleared"}`;
    if (record) {
      this.undoStack.push({ kind, index: this.index, item: i, on: !on, label });
      this.say(label);
    }
    const box = this.boxes[kind][i];
    if (box) {
      box.checked = on;
      // What a key ticks is brought into view (its list scrolls, the levels stay).
      box.closest("li")?.scrollIntoView?.({ block: "nearest" });
      if (!this.f.el.classList.contains("live-wide")) this.f.body.scrollTop = 0;
    }
    const qid = e.question.id;
    const { backend } = this.ctx;
    if (kind === "lookFor") {
      e.look_fors_hit = withItem(e.look_fors_hit, i, on);
      this.ctx.queue.enqueue(`lf:${qid}:${i}`, () => backend.setLookFor(this.sessionId, qid, i, on));
    } else {
      e.follow_ups_asked = withItem(e.follow_ups_asked, i, on);
      this.ctx.queue.enqueue(`fu:${qid}:${i}`, () => backend.setFollowUp(this.sessionId, qid, i, on));
    }
  }

  focusNotesAtEnd() {
    const { notesBox } = this.f;
    notesBox.focus();
    const n = notesBox.value.length;
    notesBox.setSelectionRange(n, n);
    notesBox.scrollTop = notesBox.scrollHeight;
  }

  stamp() {
    const e = this.entry();
    if (!this.session || !e || this.locked) return;
    this.ensureStarted();
    const text = stampNotes(this.f.notesBox.value, clock(this.clock.interviewSeconds()));
    this.f.notesBox.value = text;
    e.notes = text;
    this.notes.edit(e.question.id, text);
    this.focusNotesAtEnd();
  }

  /** A character typed outside the notes: into the notes at the cursor's end. */
  typeIntoNotes(text: string) {
    if (!this.entry()) return;
    if (this.locked) {
      this.say("Notes are read-only: this interview is submitted");
      return;
    }
    const { notesBox } = this.f;
    if (document.activeElement !== notesBox) this.focusNotesAtEnd();
    const at = notesBox.selectionEnd ?? notesBox.value.length;
    notesBox.setRangeText(text, at, at, "end");
    this.onNotesInput();
  }

  onNotesInput() {
    const cur = this.entry();
    if (!cur || this.locked) return;
    this.ensureStarted();
    cur.notes = this.f.notesBox.value;
    this.notes.edit(cur.question.id, this.f.notesBox.value);
  }

  /** Ticks the checklist item the key names, when it is there and enabled. */
  private flip(kind: Checklist, i: number) {
    const box = this.boxes[kind][i];
    if (box && !box.disabled) this.toggle(kind, i, !box.checked);
  }

  async doAction(a: Action) {
    const count = this.session?.entries.length ?? 0;
    switch (a.type) {
      case "type":
        return this.typeIntoNotes(a.text);
      case "undo":
        return this.undo();
      case "pause":
        return this.togglePause();
      case "score":
        return this.setScore(a.level);
      case "skip":
        return this.skip();
      case "lookFor":
        return this.flip("lookFor", a.index);
      case "followUp":
        return this.flip("followUp", a.index);
      case "next":
        if (this.session && this.index < count - 1) this.say(`Question ${this.index + 2} of ${count}`);
        return this.next();
      case "prev":
        if (this.index > 0) this.say(`Question ${this.index} of ${count}`);
        return this.goTo(this.index - 1);
      case "focusNotes":
        return this.focusNotesAtEnd();
      case "leaveNotes":
        this.f.notesBox.blur();
        this.qHeading?.focus({ preventScroll: true });
        return;
      case "stamp":
        this.stamp();
        return this.say("Time stamped");
      case "wrapUp":
        return void this.ctx.go({ name: "wrap", id: this.sessionId });
      case "help":
        if (!this.f.keymap.open) this.f.keymap.showModal();
        return;
    }
  }

  readonly onKey = (ev: KeyboardEvent) => {
    if (!this.session || document.querySelector("dialog[open]")) return;
    const e = this.entry();
    if (!e) return;
    const a = actionForKey(ev, {
      focus: focusPlace(ev.target, this.f.notesBox),
      levels: e.question.rubric.levels.map((l) => l.value),
      lookFors: e.question.look_fors.length,
      followUps: e.question.follow_ups.length,
    });
    if (!a) return;
    ev.preventDefault();
    void this.doAction(a);
  };

  async load(startIndex?: number) {
    const { top, checks, banner } = this.f;
    try {
      this.session = await this.ctx.backend.getSession(this.sessionId);
    } catch (err) {
      clear(top);
      clear(checks);
      top.appendChild(
        h("p", { class: "error", attrs: { role: "alert" } }, `Cannot open this interview: ${(err as Error).message}`),
      );
      return;
    }
    const s = this.session;
    this.clock.locked = s.status === "submitted";
    this.clock.draft = s.status === "draft";
    this.clock.base = s.interview_seconds;
    this.renderTitle();
    if (this.locked) {
      banner.hidden = false;
      banner.textContent = "Submitted. Notes are read-only; a score change asks for a reason.";
    }
    this.index = Math.max(0, Math.min(s.entries.length - 1, startIndex ?? resumeIndex(s)));
    const e = this.entry();
    if (e && this.clock.running()) this.clock.question.start(e.question.id);
    this.renderPause();
    this.renderQuestion();
    this.qHeading?.focus({ preventScroll: true });
  }
}

export function liveScreen(ctx: Ctx, sessionId: string, startIndex?: number): Screen {
  const c = new LiveController(ctx, sessionId);
  const tick = window.setInterval(() => c.renderTimers(), 1000);
  // Save the running question time now and then, so a crash loses little.
  const heartbeat = window.setInterval(() => {
    if (c.clock.running()) c.recordTime(true);
  }, TIME_HEARTBEAT_MS);
  document.addEventListener("keydown", c.onKey);
  const unregister = registerFlusher(async () => {
    c.recordTime(true);
    await c.notes.flush(800);
  });
  void c.load(startIndex);
  return {
    el: c.f.el,
    title: "Interview – Panelist",
    async leave() {
      window.clearInterval(tick);
      window.clearInterval(heartbeat);
      window.clearTimeout(c.feedbackTimer);
      c.wideMedia?.removeEventListener?.("change", c.placeExtras);
      document.removeEventListener("keydown", c.onKey);
      c.recordTime(false);
      await c.notes.flush(2000);
      unregister();
      c.f.indicator.dispose();
      c.f.sync.dispose();
    },
  };
}
