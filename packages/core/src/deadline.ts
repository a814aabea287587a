/** How a piece of work ended: with a value, an error, or not before its deadline. */
export type DeadlineOutcome<T> =
  | { settled: "value"; value: T; elapsedMs: number }
  | { settled: "error"; error: unknown; elapsedMs: number }
  | { settled: "timeout"; elapsedMs: number };

/**
 * Runs `work` but stops waiting after `timeoutMs`: never rejects, never waits longer, even
 * for a promise that never settles (which is then abandoned, not cancelled).
 */
export async function runWithDeadline<T>(work: () => Promise<T>, timeoutMs: number): Promise<DeadlineOutcome<T>> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<{ settled: "timeout" }>((resolve) => {
    timer = setTimeout(() => resolve({ settled: "timeout" }), timeoutMs);
  });
  // new Promise(...) also catches a synchronous throw from work().
  const attempt = new Promise<T>((resolve) => resolve(work())).then(
    (value) => ({ settled: "value" as const, value }),
    (error: unknown) => ({ settled: "error" as const, error }),
  );
  try {
    const outcome = await Promise.race([attempt, deadline]);
    return { ...outcome, elapsedMs: Math.round((performance.now() - started) * 10) / 10 };
  } finally {
    clearTimeout(timer);
  }
}

/** `work`'s value, or a rejection with `onTimeout()` once `timeoutMs` has passed without one. */
export async function withDeadline<T>(work: () => Promise<T>, timeoutMs: number, onTimeout: () => Error): Promise<T> {
  const outcome = await runWithDeadline(work, timeoutMs);
  if (outcome.settled === "value") return outcome.value;
  throw outcome.settled === "error" ? outcome.error : onTimeout();
}
