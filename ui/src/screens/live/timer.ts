// The live screen's clocks: time on the current question and the honest
// interview clock (paused or closed time excluded), and their display.
import type { Entry } from "../../bindings/Entry";
import { QuestionClock } from "../../clock";
import { againstBudget } from "../../format";

export class LiveClock {
  readonly question = new QuestionClock();
  /** The interview clock's saved seconds (the core's figure plus what this screen recorded). */
  base = 0;
  locked = false;
  draft = false;
  paused = false;

  /** Whether time is being counted now. */
  running(): boolean {
    return !this.locked && !this.draft && !this.paused;
  }

  private runningSeconds(): number {
    return this.locked ? 0 : Math.floor(this.question.runningMs() / 1000);
  }

  /** The interview's time so far, the running question included. */
  interviewSeconds(): number {
    return this.base + this.runningSeconds();
  }

  /**
   * Stops (or, with `restart`, re-bases) the question clock and returns the
   * whole seconds to record, or null when there is nothing to record.
   */
  take(restart: boolean): { questionId: string; seconds: number } | null {
    if (this.locked) return null;
    const r = this.question.stop(restart);
    if (!r || r.seconds <= 0) return null;
    this.base += r.seconds;
    return r;
  }

  /** Writes both timers against their budgets. */
  render(e: Entry, budgetMinutes: number, qTimer: HTMLElement, allTimer: HTMLElement): void {
    const q = againstBudget(e.seconds_spent + this.runningSeconds(), e.question.minutes);
    const all = againstBudget(this.interviewSeconds(), budgetMinutes);
    // Over budget is said in words as well as in colour.
    qTimer.textContent = q.over ? `${q.text} over` : q.text;
    qTimer.classList.toggle("over", q.over);
    allTimer.textContent = all.over ? `${all.text} over` : all.text;
    allTimer.classList.toggle("over", all.over);
  }
}
