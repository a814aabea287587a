/**
 * `task(0)` … `task(count - 1)` with up to `width` running at once, their results yielded in
 * index order. With `rampUp`, the first task runs alone and one more may run with each result
 * the consumer takes (1, 2, 3 … up to `width`), so the first results are not held back by work
 * on later ones that shares their thread (an extractor that yields between pages interleaves the documents it reads).
 * Once the consumer stops (break, or an error on either side), the tasks already started are
 * waited for before the generator returns or throws, so none is left running.
 */
export async function* inOrder<T>(count: number, width: number, task: (index: number) => Promise<T>, options: { rampUp?: boolean } = {}): AsyncGenerator<T> {
  const started: Promise<T>[] = [];
  const startUpTo = (end: number) => {
    while (started.length < Math.min(end, count)) {
      const running = task(started.length);
      // Awaited in order below; a failure of one not reached yet must not go unhandled.
      running.catch(() => undefined);
      started.push(running);
    }
  };
  try {
    for (let i = 0; i < count; i++) {
      startUpTo(i + (options.rampUp ? Math.min(width, i + 1) : width));
      yield await (started[i] as Promise<T>);
    }
  } finally {
    await Promise.allSettled(started);
  }
}
