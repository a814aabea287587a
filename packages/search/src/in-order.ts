/**
 * `task(0)` … `task(count - 1)` with up to `width` running at once, their results yielded in
 * index order. With `firstAlone`, the first task runs alone and the others start once it settles,
 * so the first result is not shared with others' CPU work (its caller can start on it sooner).
 * Once the consumer stops (break, or an error on either side), the tasks already started are
 * waited for before the generator returns or throws, so none is left running.
 */
export async function* inOrder<T>(count: number, width: number, task: (index: number) => Promise<T>, options: { firstAlone?: boolean } = {}): AsyncGenerator<T> {
  const started: Promise<T>[] = [];
  let stopped = false;
  const startUpTo = (end: number) => {
    while (!stopped && started.length < Math.min(end, count)) {
      const running = task(started.length);
      // Awaited in order below; a failure of one not reached yet must not go unhandled.
      running.catch(() => undefined);
      started.push(running);
    }
  };
  try {
    if (options.firstAlone && count > 0) {
      startUpTo(1);
      const more = () => startUpTo(1 + width);
      (started[0] as Promise<T>).then(more, more);
    }
    for (let i = 0; i < count; i++) {
      if (!options.firstAlone || i > 0) startUpTo(i + width);
      yield await (started[i] as Promise<T>);
    }
  } finally {
    stopped = true;
    await Promise.allSettled(started);
  }
}
