/**
 * `task(0)` … `task(count - 1)` with up to `width` running at once, their results yielded in
 * index order. Once the consumer stops (break, or an error on either side), the tasks already
 * started are waited for before the generator returns or throws, so none is left running.
 */
export async function* inOrder<T>(count: number, width: number, task: (index: number) => Promise<T>): AsyncGenerator<T> {
  const started: Promise<T>[] = [];
  try {
    for (let i = 0; i < count; i++) {
      while (started.length < Math.min(i + width, count)) {
        const running = task(started.length);
        // Awaited in order below; a failure of one not reached yet must not go unhandled.
        running.catch(() => undefined);
        started.push(running);
      }
      yield await (started[i] as Promise<T>);
    }
  } finally {
    await Promise.allSettled(started);
  }
}
