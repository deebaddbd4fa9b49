// The save queue: every change (a score, a tick, a note) is one backend call,
// run one at a time in order. A change to something that is still waiting
// (same key) replaces the waiting call, so only the latest text is written.
// A call that fails for a transient reason stays at the head of the queue and
// is retried with backoff; nothing behind it overtakes it.

export type SaveStatus = "saved" | "saving" | "retrying" | "failed";

export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(id: unknown): void;
}

export const realTimers: Timers = {
  setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
  clearTimeout: (id) => globalThis.clearTimeout(id as ReturnType<typeof setTimeout>),
};

export interface SaveQueueOptions {
  timers?: Timers;
  /** Delay before retry number `attempt` (1-based). */
  backoff?: (attempt: number) => number;
  /** Whether a failure is worth retrying. Others are dropped and reported. */
  isTransient?: (err: unknown) => boolean;
  /** A change that will never be saved (e.g. the session is locked). */
  onPermanentError?: (err: unknown, key: string) => void;
}

interface Op {
  key: string;
  run: () => Promise<void>;
}

/** 250 ms, 500 ms, 1 s, 2 s, 4 s, then every 5 s. */
export function defaultBackoff(attempt: number): number {
  return Math.min(5000, 250 * 2 ** Math.max(0, attempt - 1));
}

export class SaveQueue {
  private ops: Op[] = [];
  private inFlight = false;
  private retryTimer: unknown = null;
  private attempt = 0;
  private failed = false;
  private lastError: unknown = null;
  private listeners = new Set<(s: SaveStatus) => void>();
  private idle: (() => void)[] = [];
  private readonly timers: Timers;
  private readonly backoff: (attempt: number) => number;
  private readonly isTransient: (err: unknown) => boolean;
  private readonly onPermanentError: (err: unknown, key: string) => void;

  constructor(opts: SaveQueueOptions = {}) {
    this.timers = opts.timers ?? realTimers;
    this.backoff = opts.backoff ?? defaultBackoff;
    this.isTransient = opts.isTransient ?? (() => true);
    this.onPermanentError = opts.onPermanentError ?? (() => undefined);
  }

  get status(): SaveStatus {
    if (this.attempt > 0) return "retrying";
    if (this.inFlight || this.ops.length > 0) return "saving";
    return this.failed ? "failed" : "saved";
  }

  get error(): unknown {
    return this.lastError;
  }

  /** Number of changes not yet written. */
  get pending(): number {
    return this.ops.length;
  }

  hasPending(key: string): boolean {
    return this.ops.some((o) => o.key === key);
  }

  subscribe(fn: (s: SaveStatus) => void): () => void {
    this.listeners.add(fn);
    fn(this.status);
    return () => this.listeners.delete(fn);
  }

  /** Queues a change. A waiting change with the same key is replaced in place. */
  enqueue(key: string, run: () => Promise<void>): void {
    const waiting = this.ops.findIndex((o, i) => o.key === key && !(i === 0 && this.inFlight));
    if (waiting >= 0) {
      this.ops[waiting] = { key, run };
    } else {
      this.ops.push({ key, run });
    }
    this.emit();
    this.pump();
  }

  /**
   * Resolves true once everything queued so far is written, or false after
   * `timeoutMs`. A queue waiting to retry retries at once.
   */
  flush(timeoutMs = 5000): Promise<boolean> {
    if (this.retryTimer !== null) {
      this.timers.clearTimeout(this.retryTimer);
      this.retryTimer = null;
      this.pump();
    }
    if (this.ops.length === 0 && !this.inFlight) return Promise.resolve(true);
    return new Promise((resolve) => {
      let done = false;
      const timer = this.timers.setTimeout(() => {
        if (done) return;
        done = true;
        resolve(false);
      }, timeoutMs);
      this.idle.push(() => {
        if (done) return;
        done = true;
        this.timers.clearTimeout(timer);
        resolve(true);
      });
    });
  }

  private emit(): void {
    const s = this.status;
    for (const fn of this.listeners) fn(s);
  }

  private pump(): void {
    if (this.inFlight || this.retryTimer !== null) return;
    const op = this.ops[0];
    if (!op) {
      const waiters = this.idle;
      this.idle = [];
      for (const w of waiters) w();
      this.emit();
      return;
    }
    this.inFlight = true;
    this.emit();
    let result: Promise<void>;
    try {
      result = op.run();
    } catch (err) {
      result = Promise.reject(err);
    }
    result.then(
      () => {
        this.inFlight = false;
        this.ops.shift();
        this.attempt = 0;
        this.failed = false;
        this.lastError = null;
        this.pump();
      },
      (err: unknown) => {
        this.inFlight = false;
        this.lastError = err;
        if (this.isTransient(err)) {
          this.attempt += 1;
          this.emit();
          this.retryTimer = this.timers.setTimeout(() => {
            this.retryTimer = null;
            this.pump();
          }, this.backoff(this.attempt));
        } else {
          this.ops.shift();
          this.attempt = 0;
          this.failed = true;
          this.onPermanentError(err, op.key);
          this.pump();
        }
      },
    );
  }
}
