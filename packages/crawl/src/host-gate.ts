/** How politely to treat a host. */
export interface HostGateOptions {
  /** Requests in flight at once. */
  concurrency: number;
  /** Least time between two request starts (robots.txt Crawl-delay). */
  crawlDelayMs: number;
  /** Failures in a row (timeouts, refused connections, 5xx, 429 given up on) before the host is given up on. */
  maxFailures: number;
}

/**
 * Pure bookkeeping of one host's politeness: how many requests are in flight, when the next may
 * start (Crawl-delay, Retry-After), and whether it failed too often in a row. The crawler asks
 * `waitMs` before each request and reports `start` and `finish`; time is passed in.
 */
export class HostGate {
  private inFlight = 0;
  private nextStartAt = 0;
  private pausedUntil = 0;
  private failuresInARow = 0;
  private lastFailure: string | null = null;

  constructor(private readonly options: HostGateOptions) {}

  /** Null while `concurrency` requests are in flight or the host is given up on; otherwise ms to wait (0: now). */
  waitMs(now: number): number | null {
    if (this.stopped || this.inFlight >= this.options.concurrency) return null;
    return Math.max(0, this.nextStartAt - now, this.pausedUntil - now);
  }

  start(now: number): void {
    this.inFlight++;
    this.nextStartAt = Math.max(this.nextStartAt, now) + this.options.crawlDelayMs;
  }

  /** A request ended: `failure` (one line) counts towards giving up; anything else resets the count. */
  finish(failure: string | null = null): void {
    this.inFlight = Math.max(0, this.inFlight - 1);
    if (failure === null) {
      this.failuresInARow = 0;
      return;
    }
    this.failuresInARow++;
    this.lastFailure = failure;
  }

  /** The server asked to wait (429/503 Retry-After): no request starts before `until`. */
  pause(until: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, until);
  }

  get stopped(): boolean {
    return this.failuresInARow >= this.options.maxFailures;
  }

  /** Why the host was given up on, or null while it is not. */
  get stopReason(): string | null {
    return this.stopped ? `gave up after ${this.failuresInARow} failures in a row (last: ${this.lastFailure})` : null;
  }
}
