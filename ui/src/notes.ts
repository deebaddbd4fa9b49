// Notes autosave. Typing marks a question's notes dirty; the text is handed
// to the save queue `idleMs` (150 ms) after the last keystroke, and never later than
// `maxWaitMs` (250 ms) after the first unsaved keystroke, so a fast typist
// who never pauses is still saved several times a second; the margin under
// the 300 ms promise absorbs a slow IPC round trip. `flush()` hands over at once.

import type { SaveQueue, Timers } from "./saver";
import { realTimers } from "./saver";

export interface NotesAutosaveOptions {
  idleMs?: number;
  maxWaitMs?: number;
  timers?: Timers;
  now?: () => number;
  /** Called whenever the set of unsaved edits changes. */
  onChange?: () => void;
  /** Save-queue key prefix (default "notes:"). */
  keyPrefix?: string;
}

export const NOTES_IDLE_MS = 150;
export const NOTES_MAX_WAIT_MS = 250;

export class NotesAutosave {
  private dirty = new Map<string, string>();
  private firstDirtyAt: number | null = null;
  private timer: unknown = null;
  private readonly idleMs: number;
  private readonly maxWaitMs: number;
  private readonly timers: Timers;
  private readonly now: () => number;
  private readonly onChange: () => void;
  private readonly keyPrefix: string;

  constructor(
    private readonly queue: SaveQueue,
    private readonly save: (questionId: string, text: string) => Promise<void>,
    opts: NotesAutosaveOptions = {},
  ) {
    this.idleMs = opts.idleMs ?? NOTES_IDLE_MS;
    this.maxWaitMs = opts.maxWaitMs ?? NOTES_MAX_WAIT_MS;
    this.timers = opts.timers ?? realTimers;
    this.now = opts.now ?? (() => Date.now());
    this.onChange = opts.onChange ?? (() => undefined);
    this.keyPrefix = opts.keyPrefix ?? "notes:";
  }

  /** True while some typed text has not reached the save queue yet. */
  get hasDirty(): boolean {
    return this.dirty.size > 0;
  }

  /** True while text for this question is typed but not yet written. */
  isUnsaved(questionId: string): boolean {
    return this.dirty.has(questionId) || this.queue.hasPending(this.keyPrefix + questionId);
  }

  edit(questionId: string, text: string): void {
    const now = this.now();
    if (this.firstDirtyAt === null) this.firstDirtyAt = now;
    this.dirty.set(questionId, text);
    const waited = now - this.firstDirtyAt;
    const delay = Math.max(0, Math.min(this.idleMs, this.maxWaitMs - waited));
    if (this.timer !== null) this.timers.clearTimeout(this.timer);
    this.timer = this.timers.setTimeout(() => {
      this.timer = null;
      this.commit();
    }, delay);
    this.onChange();
  }

  /** Hands every dirty text to the save queue now. */
  commit(): void {
    if (this.timer !== null) {
      this.timers.clearTimeout(this.timer);
      this.timer = null;
    }
    this.firstDirtyAt = null;
    if (this.dirty.size === 0) return;
    const edits = [...this.dirty];
    this.dirty.clear();
    for (const [qid, text] of edits) {
      this.queue.enqueue(this.keyPrefix + qid, () => this.save(qid, text));
    }
    this.onChange();
  }

  /** Commits and waits for the queue to drain (or `timeoutMs`). */
  flush(timeoutMs?: number): Promise<boolean> {
    this.commit();
    return this.queue.flush(timeoutMs);
  }
}

/**
 * Stamps `text` with the time since the interview started, e.g. "[12:40] ",
 * on a new line unless the text is empty or already ends with a newline.
 */
export function stampNotes(text: string, stamp: string): string {
  const prefix = text.length === 0 || text.endsWith("\n") ? "" : "\n";
  return `${text}${prefix}[${stamp}] `;
}
