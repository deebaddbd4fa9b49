import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { BackendError, isTransient } from "../src/backend";
import { SaveQueue, defaultBackoff, type SaveStatus } from "../src/saver";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));
vi.mock("@tauri-apps/api/event", () => ({ listen: vi.fn() }));

/** A backend call we resolve or reject by hand. */
function deferred() {
  let resolve!: () => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const flushMicrotasks = () => vi.advanceTimersByTimeAsync(0);

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe("SaveQueue", () => {
  it("runs changes one at a time, in order", async () => {
    const log: string[] = [];
    const q = new SaveQueue();
    const first = deferred();
    q.enqueue("a", () => {
      log.push("a");
      return first.promise;
    });
    q.enqueue("b", async () => {
      log.push("b");
    });
    await flushMicrotasks();
    expect(log).toEqual(["a"]);
    expect(q.status).toBe("saving");
    first.resolve();
    await flushMicrotasks();
    expect(log).toEqual(["a", "b"]);
    expect(q.status).toBe("saved");
  });

  it("replaces a waiting change with the same key, but not the one in flight", async () => {
    const writes: string[] = [];
    const q = new SaveQueue();
    const inFlight = deferred();
    q.enqueue("notes:q1", () => {
      writes.push("v1");
      return inFlight.promise;
    });
    q.enqueue("notes:q1", async () => void writes.push("v2"));
    q.enqueue("notes:q1", async () => void writes.push("v3"));
    expect(q.pending).toBe(2);
    inFlight.resolve();
    await flushMicrotasks();
    expect(writes).toEqual(["v1", "v3"]);
  });

  it("retries a transient failure with backoff, keeping later changes behind it", async () => {
    const statuses: SaveStatus[] = [];
    const q = new SaveQueue({ isTransient, backoff: (n) => n * 100 });
    q.subscribe((s) => statuses.push(s));
    let tries = 0;
    const order: string[] = [];
    q.enqueue("a", async () => {
      tries += 1;
      if (tries < 3) throw new BackendError("database", "disk I/O error");
      order.push("a");
    });
    q.enqueue("b", async () => void order.push("b"));
    await flushMicrotasks();
    expect(tries).toBe(1);
    expect(q.status).toBe("retrying");
    await vi.advanceTimersByTimeAsync(99);
    expect(tries).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(tries).toBe(2);
    await vi.advanceTimersByTimeAsync(200);
    expect(tries).toBe(3);
    expect(order).toEqual(["a", "b"]);
    expect(q.status).toBe("saved");
    expect(statuses).toContain("retrying");
    expect(statuses.at(-1)).toBe("saved");
  });

  it("drops a change that can never be saved and reports it", async () => {
    const reported: string[] = [];
    const q = new SaveQueue({ isTransient, onPermanentError: (_e, key) => reported.push(key) });
    const after = vi.fn(async () => undefined);
    q.enqueue("score:q1", async () => {
      throw new BackendError("locked", "session is submitted");
    });
    await flushMicrotasks();
    expect(reported).toEqual(["score:q1"]);
    expect(q.status).toBe("failed");
    q.enqueue("score:q2", after);
    await flushMicrotasks();
    expect(after).toHaveBeenCalledOnce();
    expect(q.status).toBe("saved");
  });

  it("flush() waits for the queue and retries at once when waiting", async () => {
    const q = new SaveQueue({ isTransient, backoff: () => 60_000 });
    let tries = 0;
    q.enqueue("a", async () => {
      tries += 1;
      if (tries === 1) throw new BackendError("io", "busy");
    });
    await flushMicrotasks();
    expect(q.status).toBe("retrying");
    const done = q.flush(1000);
    await flushMicrotasks();
    await expect(done).resolves.toBe(true);
    expect(tries).toBe(2);
  });

  it("flush() gives up after its timeout while the backend keeps failing", async () => {
    const q = new SaveQueue({ isTransient, backoff: () => 50 });
    q.enqueue("a", async () => {
      throw new BackendError("database", "locked");
    });
    const done = q.flush(500);
    await vi.advanceTimersByTimeAsync(500);
    await expect(done).resolves.toBe(false);
    expect(q.status).toBe("retrying");
    expect(q.pending).toBe(1);
  });

  it("treats IPC failures and storage errors as transient, rule errors as final", () => {
    expect(isTransient(new BackendError("database", ""))).toBe(true);
    expect(isTransient(new BackendError("io", ""))).toBe(true);
    expect(isTransient(new Error("ipc went away"))).toBe(true);
    expect(isTransient(new BackendError("locked", ""))).toBe(false);
    expect(isTransient(new BackendError("invalid", ""))).toBe(false);
    expect(isTransient(new BackendError("not_found", ""))).toBe(false);
  });

  it("backs off 250 ms, 500 ms, 1 s… up to 5 s", () => {
    expect([1, 2, 3, 4, 5, 6, 10].map(defaultBackoff)).toEqual([250, 500, 1000, 2000, 4000, 5000, 5000]);
  });
});
