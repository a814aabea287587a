/**
 * Delay before attempt number `attempt` (0 first): exponential from `baseMs`, capped at `maxMs`,
 * then spread by a random factor in [`spread[0]`, `spread[1]`] so that many clients failing
 * together do not come back together. `random` is injectable for tests.
 *
 * e.g. `spread: [0.5, 1]` is "equal jitter" (never below half); `[0.9, 1.1]` is ±10%.
 */
export function backoffDelay(options: {
  attempt: number;
  baseMs: number;
  maxMs?: number;
  spread?: readonly [number, number];
  random?: () => number;
}): number {
  const { attempt, baseMs, maxMs = Number.POSITIVE_INFINITY, spread = [0.5, 1], random = Math.random } = options;
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.min(Math.max(0, attempt), 30));
  const [low, high] = spread;
  return Math.max(0, Math.round(ceiling * (low + (high - low) * random())));
}
