/**
 * Group commit for requests: per key, at most `maxInFlight` requests are out at once; the items
 * that arrive meanwhile wait, and when one of those requests settles the waiting ones go out
 * together, as one request (as many as `fits` lets join, in arrival order). An item with a free
 * slot goes out at once, alone: batching never adds a delay, it only fills the time a request
 * would have waited for the server anyway.
 */
export interface RequestBatcherOptions<I, R> {
  /** Requests of one key out at once (≥ 1). */
  maxInFlight: number;
  /** Whether `item` may join `batch` (which holds at least one item) in the same request. */
  fits(batch: readonly I[], item: I): boolean;
  /**
   * Send one request for these items (all of one key): one result per item, in their order.
   * A failure (or a result list of another length) rejects every item of the request.
   */
  send(key: string, items: I[]): Promise<R[]>;
}

interface Waiting<I, R> {
  item: I;
  resolve(result: R): void;
  reject(error: unknown): void;
}

interface KeyState<I, R> {
  inFlight: number;
  queue: Waiting<I, R>[];
}

export function createRequestBatcher<I, R>(options: RequestBatcherOptions<I, R>) {
  const maxInFlight = Math.max(1, options.maxInFlight);
  const keys = new Map<string, KeyState<I, R>>();

  function dispatch(key: string, state: KeyState<I, R>, batch: Waiting<I, R>[]) {
    state.inFlight += 1;
    let sent: Promise<R[]>;
    try {
      sent = options.send(key, batch.map((w) => w.item));
    } catch (error) {
      sent = Promise.reject(error);
    }
    sent
      .then((results) => {
        if (results.length !== batch.length) throw new Error(`a batched request answered ${results.length} results for ${batch.length} items`);
        for (const [i, waiting] of batch.entries()) waiting.resolve(results[i] as R);
      })
      .catch((error: unknown) => {
        for (const waiting of batch) waiting.reject(error);
      })
      .finally(() => {
        state.inFlight -= 1;
        drain(key, state);
      });
  }

  function drain(key: string, state: KeyState<I, R>) {
    while (state.inFlight < maxInFlight && state.queue.length > 0) {
      const batch = [state.queue.shift() as Waiting<I, R>];
      const items = [batch[0]!.item];
      while (state.queue.length > 0 && options.fits(items, state.queue[0]!.item)) {
        const next = state.queue.shift() as Waiting<I, R>;
        batch.push(next);
        items.push(next.item);
      }
      dispatch(key, state, batch);
    }
    if (state.inFlight === 0 && state.queue.length === 0) keys.delete(key);
  }

  /** The result of `item`'s own share of the request it went out in. */
  return function inBatch(key: string, item: I): Promise<R> {
    let state = keys.get(key);
    if (!state) keys.set(key, (state = { inFlight: 0, queue: [] }));
    const queued = state;
    return new Promise<R>((resolve, reject) => {
      queued.queue.push({ item, resolve, reject });
      drain(key, queued);
    });
  };
}
