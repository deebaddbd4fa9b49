// Live interview: one question at a time, scored against its rubric while
// the candidate talks. Every change is one backend call through the save
// queue; notes autosave within ~300 ms and flush on every way out.
import type { Ctx, Screen } from "../app";
import type { Entry } from "../bindings/Entry";
import type { Session } from "../bindings/Session";
import type { SessionView } from "../types";
import { QuestionClock } from "../clock";
import { clear, h, nextId, toast } from "../dom";
import { againstBudget, clock, secondsSince } from "../format";
import { registerFlusher } from "../flush";
import { FOLLOW_UP_KEYS, LOOK_FOR_KEYS, actionForKey, isTypingTarget, type Action } from "../keys";
import { NotesAutosave, stampNotes } from "../notes";
import { syncIndicator } from "../sync";
import { keyMapDialog, saveIndicator, topBar } from "../widgets";
import { amendDialog } from "./amend";

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
    { class: "btn btn-ghost", attrs: { type: "button", "aria-label": "Keyboard shortcuts", "aria-keyshortcuts": "?" } },
    "?",
  );
  const sync = syncIndicator(ctx.backend);
  const bar = topBar("Interview", back, [indicator.el, sync.el, helpBtn]);
  const title = bar.querySelector("h1") as HTMLHeadingElement;
  const progress = h("span", { class: "progress", attrs: { "aria-live": "polite" } });
  const qTimer = h("span", { class: "timer", attrs: { title: "Time on this question / its budget" } });
  const allTimer = h("span", { class: "timer", attrs: { title: "Interview time / total budget" } });
  const strip = h("ul", { class: "strip", attrs: { "aria-label": "Competencies with evidence" } });
  const banner = h("p", { class: "banner", attrs: { hidden: true } });
  const body = h("main", { class: "content live", attrs: { tabindex: "-1" } });
  const prevBtn = h(
    "button",
    { class: "btn", attrs: { type: "button", "aria-keyshortcuts": "K ArrowLeft" } },
    "← Prev",
  );
  const skipBtn = h("button", { class: "btn", attrs: { type: "button", "aria-keyshortcuts": "0" } }, "Skip");
  const nextBtn = h(
    "button",
    { class: "btn btn-primary", attrs: { type: "button", "aria-keyshortcuts": "J ArrowRight" } },
    "Next →",
  );
  const footer = h("footer", { class: "navbar" }, prevBtn, skipBtn, nextBtn);
  const notesId = nextId("notes");
  const notesBox = h("textarea", {
    id: notesId,
    class: "notes",
    attrs: { rows: 4, spellcheck: "true", "aria-keyshortcuts": "N" },
  });
  const notesLabel = h("label", { attrs: { for: notesId } }, "Notes");
  const stampBtn = h(
    "button",
    {
      class: "btn btn-small",
      attrs: { type: "button", "aria-keyshortcuts": "T", title: "Stamp the interview time (T)" },
    },
    "Stamp (T)",
  );
  const notesDock = h(
    "section",
    { class: "notes-dock" },
    h("div", { class: "notes-head" }, notesLabel, h("span", { class: "hint" }, "N to write · Esc to leave"), stampBtn),
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
    ),
  );
  const el = h(
    "div",
    { class: "screen screen-live" },
    bar,
    h("div", { class: "subbar" }, status, strip),
    banner,
    body,
    notesDock,
    footer,
  );
  const keymap = keyMapDialog();
  el.appendChild(keymap);
  helpBtn.addEventListener("click", () => keymap.showModal());

  // Per-question controls, rebuilt on every question change.
  let levelButtons: HTMLButtonElement[] = [];
  let lookForBoxes: HTMLInputElement[] = [];
  let followUpBoxes: HTMLInputElement[] = [];
  let qHeading: HTMLElement | null = null;

  const entry = (): Entry | null => session?.entries[index] ?? null;

  function renderTimers() {
    if (!session) return;
    const e = entry();
    if (!e) return;
    const now = Date.now();
    const running = locked ? 0 : Math.floor(qclock.runningMs() / 1000);
    const q = againstBudget(e.seconds_spent + running, e.question.minutes);
    const all = againstBudget(
      locked && session.finished_at
        ? secondsSince(session.started_at, Date.parse(session.finished_at))
        : secondsSince(session.started_at, now),
      session.budget_minutes,
    );
    qTimer.textContent = q.text;
    qTimer.classList.toggle("over", q.over);
    allTimer.textContent = all.text;
    allTimer.classList.toggle("over", all.over);
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
      e.skipped ? " · skipped" : "",
    );

    levelButtons = q.rubric.levels.map((l) => {
      const b = h(
        "button",
        { class: "level", attrs: { type: "button", "aria-pressed": "false", "aria-keyshortcuts": String(l.value) } },
        h("span", { class: "level-head" }, h("kbd", {}, String(l.value)), h("span", { class: "level-label" }, l.label)),
        h("span", { class: "level-anchor" }, l.anchor),
      );
      b.dataset.level = String(l.value);
      b.addEventListener("click", () => void doAction({ type: "score", level: l.value }));
      return b;
    });
    const levels = h("div", { class: "levels", attrs: { role: "group", "aria-label": "Score" } }, ...levelButtons);

    lookForBoxes = [];
    const lfList = h("ul", { class: "toggles" });
    q.look_fors.forEach((text, i) => {
      const box = h("input", { attrs: { type: "checkbox", disabled: locked } });
      box.checked = e.look_fors_hit.includes(i);
      const key = LOOK_FOR_KEYS[i];
      if (key) box.setAttribute("aria-keyshortcuts", key.toUpperCase());
      box.addEventListener("change", () => toggleLookFor(i, box.checked));
      lookForBoxes.push(box);
      lfList.appendChild(
        h(
          "li",
          {},
          h("label", { class: "toggle" }, box, key ? h("kbd", {}, key.toUpperCase()) : null, h("span", {}, text)),
        ),
      );
    });

    followUpBoxes = [];
    const fuList = h("ul", { class: "toggles" });
    q.follow_ups.forEach((text, i) => {
      const box = h("input", { attrs: { type: "checkbox", disabled: locked } });
      box.checked = e.follow_ups_asked.includes(i);
      const key = FOLLOW_UP_KEYS[i];
      if (key) box.setAttribute("aria-keyshortcuts", key.toUpperCase());
      box.addEventListener("change", () => toggleFollowUp(i, box.checked));
      followUpBoxes.push(box);
      fuList.appendChild(
        h(
          "li",
          {},
          h("label", { class: "toggle" }, box, key ? h("kbd", {}, key.toUpperCase()) : null, h("span", {}, text)),
        ),
      );
    });

    notesBox.value = e.notes;
    notesBox.readOnly = locked;
    stampBtn.disabled = locked;
    notesLabel.textContent = `Notes · question ${index + 1}`;

    append(
      body,
      h("div", { class: "q-card" }, meta, qHeading),
      h(
        "section",
        { attrs: { "aria-label": "Rubric" } },
        h("h3", {}, "Score ", h("span", { class: "hint" }, "keys 1–4")),
        levels,
      ),
      q.look_fors.length ? h("section", {}, h("h3", {}, "Look-fors"), lfList) : null,
      q.follow_ups.length ? h("section", {}, h("h3", {}, "Follow-ups asked"), fuList) : null,
    );
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
    if (e && !locked) qclock.start(e.question.id);
    renderQuestion();
    body.scrollTop = 0;
    if (focusHeading) qHeading?.focus({ preventScroll: true });
  }

  function next() {
    if (!session) return;
    if (index >= session.entries.length - 1) void ctx.go({ name: "wrap", id: sessionId });
    else goTo(index + 1);
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
      }
      return;
    }
    const value = e.score === level ? null : level;
    e.score = value;
    e.skipped = false;
    const qid = e.question.id;
    enqueue(`score:${qid}`, () => backend.setScore(sessionId, qid, value));
    renderLevels();
    renderNav();
    renderStrip();
  }

  function skip() {
    const e = entry();
    if (!e || locked) return;
    e.skipped = true;
    e.score = null;
    const qid = e.question.id;
    enqueue(`score:${qid}`, () => backend.setSkipped(sessionId, qid, true));
    next();
  }

  function toggleLookFor(i: number, on: boolean) {
    const e = entry();
    if (!e || locked) return;
    e.look_fors_hit = on ? [...new Set([...e.look_fors_hit, i])] : e.look_fors_hit.filter((x) => x !== i);
    const box = lookForBoxes[i];
    if (box) box.checked = on;
    const qid = e.question.id;
    enqueue(`lf:${qid}:${i}`, () => backend.setLookFor(sessionId, qid, i, on));
  }

  function toggleFollowUp(i: number, on: boolean) {
    const e = entry();
    if (!e || locked) return;
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
    const text = stampNotes(notesBox.value, clock(secondsSince(session.started_at, Date.now())));
    notesBox.value = text;
    e.notes = text;
    notes.edit(e.question.id, text);
    focusNotesAtEnd();
  }

  async function doAction(a: Action) {
    switch (a.type) {
      case "score":
        return setScore(a.level);
      case "next":
        return next();
      case "prev":
        return goTo(index - 1);
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
      case "focusNotes":
        return focusNotesAtEnd();
      case "leaveNotes":
        notesBox.blur();
        qHeading?.focus({ preventScroll: true });
        return;
      case "stamp":
        return stamp();
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
      typing: isTypingTarget(ev.target),
      levels: e.question.rubric.levels.map((l) => l.value),
      lookFors: e.question.look_fors.length,
      followUps: e.question.follow_ups.length,
    });
    if (!a) return;
    // Space/Enter on a focused button keep their meaning; our keys are letters.
    ev.preventDefault();
    void doAction(a);
  };

  notesBox.addEventListener("input", () => {
    const cur = entry();
    if (!cur || locked) return;
    cur.notes = notesBox.value;
    notes.edit(cur.question.id, notesBox.value);
  });
  notesBox.addEventListener("blur", () => notes.commit());
  stampBtn.addEventListener("click", () => void doAction({ type: "stamp" }));

  prevBtn.addEventListener("click", () => goTo(index - 1));
  nextBtn.addEventListener("click", () => next());
  skipBtn.addEventListener("click", () => skip());

  const tick = window.setInterval(renderTimers, 1000);
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
    title.textContent = session.candidate.name;
    document.title = `${session.candidate.name} – Panelist`;
    if (locked) {
      banner.hidden = false;
      banner.textContent = "Submitted. Notes are read-only; a score change asks for a reason.";
    }
    index = Math.max(0, Math.min(session.entries.length - 1, startIndex ?? resumeIndex(session)));
    const e = entry();
    if (e && !locked) qclock.start(e.question.id);
    renderQuestion();
    (qHeading as HTMLElement | null)?.focus({ preventScroll: true });
  })();

  return {
    el,
    title: "Interview – Panelist",
    async leave() {
      window.clearInterval(tick);
      document.removeEventListener("keydown", onKey);
      recordTime(false);
      await notes.flush(2000);
      unregister();
      indicator.dispose();
      sync.dispose();
    },
  };
}
