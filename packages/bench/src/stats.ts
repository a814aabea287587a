/** Nearest-rank percentile of samples (p in 0..100). Pure. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] as number;
}

export const median = (samples: readonly number[]) => percentile(samples, 50);
export const p95 = (samples: readonly number[]) => percentile(samples, 95);

/** Runs fn `reps` times, returning each run's duration in ms. */
export async function timeRuns(reps: number, fn: (i: number) => Promise<unknown>): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < reps; i++) {
    const started = performance.now();
    await fn(i);
    samples.push(performance.now() - started);
  }
  return samples;
}

export const round = (n: number, digits = 2) => Number(n.toFixed(digits));

/** Runs each fn once per round, `reps` rounds, returning each fn's durations in ms. */
export async function timeInterleaved<const F extends readonly (() => Promise<unknown>)[]>(reps: number, fns: F): Promise<{ [K in keyof F]: number[] }> {
  const samples = fns.map(() => [] as number[]);
  for (let i = 0; i < reps; i++) {
    for (const [k, fn] of fns.entries()) {
      const started = performance.now();
      await fn();
      samples[k]!.push(performance.now() - started);
    }
  }
  return samples as { [K in keyof F]: number[] };
}
