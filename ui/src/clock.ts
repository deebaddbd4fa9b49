// Time on the current question. Started when a question is shown, stopped
// when the interviewer leaves it; the stopped seconds are saved with add_time.
// Sub-second remainders are carried so many short visits add up correctly.

export class QuestionClock {
  private questionId: string | null = null;
  private since = 0;
  private carry = new Map<string, number>();

  constructor(private readonly now: () => number = () => Date.now()) {}

  get current(): string | null {
    return this.questionId;
  }

  start(questionId: string): void {
    this.questionId = questionId;
    this.since = this.now();
  }

  /** Milliseconds on the current question since it was (re)started. */
  runningMs(): number {
    return this.questionId === null ? 0 : Math.max(0, this.now() - this.since);
  }

  /**
   * Stops the clock and returns whole seconds to record (may be 0). With
   * `restart`, keeps timing the same question from now (used by flushes).
   */
  stop(restart = false): { questionId: string; seconds: number } | null {
    const qid = this.questionId;
    if (qid === null) return null;
    const ms = this.runningMs() + (this.carry.get(qid) ?? 0);
    const seconds = Math.floor(ms / 1000);
    this.carry.set(qid, ms - seconds * 1000);
    if (restart) this.since = this.now();
    else this.questionId = null;
    return { questionId: qid, seconds };
  }
}
