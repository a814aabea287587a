/**
 * Runs tasks with at most `max` in flight per key (Infinity: no bound), the rest queued in
 * arrival order. A slot is freed when the task's promise settles, even if its caller stopped
 * waiting (a timed-out request may still be running on the server).
 */
export function createRequestSlots(max: number) {
  const queues = new Map<string, { active: number; waiting: (() => void)[] }>();
  return async function inSlot<T>(key: string, task: () => Promise<T>): Promise<T> {
    if (max === Infinity) return task();
    let queue = queues.get(key);
    if (!queue) queues.set(key, (queue = { active: 0, waiting: [] }));
    // A freed slot is handed straight to the next waiter, so `active` never goes above max.
    if (queue.active < max) queue.active += 1;
    else await new Promise<void>((resolve) => queue.waiting.push(resolve));
    try {
      return await task();
    } finally {
      const next = queue.waiting.shift();
      if (next) next();
      else if (--queue.active === 0) queues.delete(key);
    }
  };
}
