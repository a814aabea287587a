import type { Kmcp, RefreshOptions, SiteRefresh } from "@kmcp/runtime";
import { afterEach, describe, expect, it, vi } from "vitest";
import { startRefreshSchedule } from "./refresh-schedule.js";

const HOUR = 3_600_000;

/** A Kmcp whose refreshSources records its calls and answers with `answer` (a round's result). */
function fakeKmcp(answer: (options: RefreshOptions) => Promise<SiteRefresh[]>) {
  const calls: RefreshOptions[] = [];
  const kmcp = { ready: async () => ({ refreshSources: (options: RefreshOptions) => (calls.push(options), answer(options)) }) } as unknown as Pick<Kmcp, "ready">;
  return { kmcp, calls };
}

function recordingLogger() {
  const lines: { level: string; message: string; fields?: Record<string, unknown> }[] = [];
  const at = (level: string) => (message: string, fields?: Record<string, unknown>) => void lines.push({ level, message, ...(fields && { fields }) });
  return { logger: { debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") }, lines };
}

describe("the scheduled refresh of crawled sites (KMCP_REFRESH_INTERVAL)", () => {
  afterEach(() => void vi.useRealTimers());

  it("refreshes the sites older than the interval once per interval, never two rounds at once; stop() aborts the round in flight and waits for it", async () => {
    vi.useFakeTimers();
    let finishRound = () => {};
    // A round ends when the test says so, aborted or not (a real one finishes its requests in flight).
    const { kmcp, calls } = fakeKmcp(() => new Promise((resolve) => (finishRound = () => resolve([]))));
    const schedule = startRefreshSchedule({ kmcp, intervalMs: HOUR, logger: recordingLogger().logger });

    await vi.advanceTimersByTimeAsync(HOUR - 1);
    expect(calls).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(calls).toEqual([expect.objectContaining({ olderThanMs: HOUR })]);
    await vi.advanceTimersByTimeAsync(3 * HOUR); // the first round is still running
    expect(calls).toHaveLength(1);
    finishRound();
    await vi.advanceTimersByTimeAsync(HOUR);
    expect(calls).toHaveLength(2);

    let stopped = false;
    const stopping = schedule.stop().then(() => (stopped = true));
    expect(calls[1]?.signal?.aborted).toBe(true);
    await vi.advanceTimersByTimeAsync(0);
    expect(stopped).toBe(false); // the aborted round is still finishing
    finishRound();
    await stopping;
    await vi.advanceTimersByTimeAsync(10 * HOUR);
    expect(calls).toHaveLength(2);
  });

  it("logs what each round did, and a failed round, which the next interval tries again", async () => {
    vi.useFakeTimers();
    const refreshed = { url: "https://docs.example.test/guide", sourceId: "s1", skipped: null, result: { run: { counts: { stored: 2, unchanged: 40, gone: 1 } } } } as unknown as SiteRefresh;
    const skipped: SiteRefresh = { url: "https://other.example.test/", sourceId: "s2", result: null, skipped: "another crawl holds it" };
    let round = 0;
    const { kmcp, calls } = fakeKmcp(async () => {
      round++;
      if (round === 1) throw new Error("PostgreSQL is unreachable");
      return [refreshed, skipped];
    });
    const { logger, lines } = recordingLogger();
    const schedule = startRefreshSchedule({ kmcp, intervalMs: HOUR, logger });

    await vi.advanceTimersByTimeAsync(HOUR);
    expect(lines).toEqual([{ level: "warn", message: "the scheduled refresh failed; the next one will try again", fields: { error: "PostgreSQL is unreachable" } }]);
    await vi.advanceTimersByTimeAsync(HOUR);
    expect(calls).toHaveLength(2);
    expect(lines.slice(1)).toEqual([
      { level: "info", message: "refreshed a crawled site", fields: { url: "https://docs.example.test/guide", fetched: 2, unchanged: 40, gone: 1 } },
      { level: "warn", message: "did not refresh a crawled site", fields: { url: "https://other.example.test/", reason: "another crawl holds it" } },
    ]);
    await schedule.stop();
  });
});
