import { isAcquireError } from "@kmcp/acquire";
import { backoffDelay, type CrawlSkipReason } from "@kmcp/core";

/** What a failed fetch means for the page and its host. */
export type FetchVerdict =
  | { kind: "retry"; waitMs: number; reason: string }
  | { kind: "gone"; reason: string }
  | { kind: "skipped"; reason: CrawlSkipReason; detail: string }
  | { kind: "failed"; reason: string; hostFailure: boolean };

/**
 * Pure: the verdict on a fetch that threw. 429 and 503 are retried (after Retry-After, else an
 * exponential back-off from 1 s) until `attempt` reaches `maxAttempts`; 404 and 410 mean the page
 * is gone; robots.txt and unreadable types are skips; timeouts, unreachable hosts and 5xx count
 * towards giving up on the host. Anything that is not an AcquireError is null: not the page's fault.
 */
export function fetchVerdict(error: unknown, attempt: number, maxAttempts: number, random: () => number = Math.random): FetchVerdict | null {
  if (!isAcquireError(error)) return null;
  const status = typeof error.data?.status === "number" ? error.data.status : null;
  switch (error.code) {
    case "HTTP":
      if ((status === 429 || status === 503) && attempt + 1 < maxAttempts) {
        const asked = typeof error.data?.retryAfterMs === "number" ? error.data.retryAfterMs : null;
        return { kind: "retry", waitMs: asked ?? backoffDelay({ attempt, baseMs: 1_000, maxMs: 30_000, random }), reason: `HTTP ${status}` };
      }
      if (status === 404 || status === 410) return { kind: "gone", reason: `HTTP ${status}` };
      return { kind: "failed", reason: error.message, hostFailure: status === null || status >= 500 || status === 429 };
    case "ROBOTS":
      return { kind: "skipped", reason: "robots", detail: error.message };
    case "UNSUPPORTED_TYPE":
      return { kind: "skipped", reason: "type", detail: error.message };
    case "TIMEOUT":
    case "UNREACHABLE":
      return { kind: "failed", reason: error.message, hostFailure: true };
    default:
      return { kind: "failed", reason: error.message, hostFailure: false };
  }
}
