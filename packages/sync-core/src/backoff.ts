/**
 * Delay before the next background sync: the interval while all is well, doubling with each
 * consecutive failure up to `maxMs`, and spread by ±`jitter` so many processes do not sync in
 * lock-step. `random` is injectable for tests.
 */
export function nextSyncDelay(options: {
  intervalMs: number;
  failures: number;
  maxMs?: number;
  jitter?: number;
  random?: () => number;
}): number {
  const { intervalMs, failures, maxMs = Math.max(intervalMs, 300_000), jitter = 0.1, random = Math.random } = options;
  const base = Math.min(intervalMs * 2 ** Math.min(failures, 20), maxMs);
  return Math.max(0, Math.round(base * (1 + jitter * (2 * random() - 1))));
}
