import type { Logger } from "@kmcp/core";
import type { Kmcp } from "@kmcp/runtime";

/**
 * KMCP_REFRESH_INTERVAL: every `intervalMs`, re-crawl the crawled sites last crawled longer ago
 * than that (conditional requests, as `kmcp sources refresh --older-than`). One round at a time;
 * a failed round is logged and the next one tries again. `stop()` ends the schedule and stops a
 * round in flight from starting new requests (its crawls stay resumable).
 */
export function startRefreshSchedule(deps: { kmcp: Pick<Kmcp, "ready">; intervalMs: number; logger: Logger }): { stop(): Promise<void> } {
  const { kmcp, intervalMs, logger } = deps;
  const stopping = new AbortController();
  let round: Promise<void> | null = null;
  const run = async () => {
    const { refreshSources } = await kmcp.ready();
    const refreshed = await refreshSources({ olderThanMs: intervalMs, signal: stopping.signal });
    for (const site of refreshed) {
      if (site.result) logger.info("refreshed a crawled site", { url: site.url, fetched: site.result.run.counts.stored, unchanged: site.result.run.counts.unchanged, gone: site.result.run.counts.gone });
      else logger.warn("did not refresh a crawled site", { url: site.url, reason: site.skipped });
    }
  };
  const timer = setInterval(() => {
    if (round) return;
    round = run()
      .catch((error: Error) => logger.warn("the scheduled refresh failed; the next one will try again", { error: error.message }))
      .finally(() => (round = null));
  }, intervalMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      stopping.abort();
      await round;
    },
  };
}
