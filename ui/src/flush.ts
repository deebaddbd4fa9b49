// Everything that holds unsaved work registers a flusher here. The shell's
// exit (window close, SIGTERM) and blur/pagehide call flushAll().

type Flusher = () => Promise<unknown>;

const flushers = new Set<Flusher>();

export function registerFlusher(fn: Flusher): () => void {
  flushers.add(fn);
  return () => {
    flushers.delete(fn);
  };
}

/** Runs every flusher; resolves when all settled or after `timeoutMs`. */
export async function flushAll(timeoutMs = 900): Promise<void> {
  const all = Promise.allSettled([...flushers].map((f) => f()));
  let timer: ReturnType<typeof setTimeout> | undefined;
  const limit = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, timeoutMs);
  });
  await Promise.race([all, limit]);
  clearTimeout(timer);
}
