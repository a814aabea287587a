import { setTimeout as sleep } from "node:timers/promises";
import { ConnectionPool, fetchDocument, loadRobots, ROBOTS_AGENT, RobotsCache, robotsAllow, robotsCrawlDelayMs, type FetchResult, type RobotsRules } from "@kmcp/acquire";
import { normaliseUrl } from "@kmcp/core";
import { charsetOf, decodeText, mediaType } from "@kmcp/extract";
import { fetchVerdict } from "./fetch-verdict.js";
import { HostGate } from "./host-gate.js";
import { extractLinks } from "./links.js";
import { scopeRules } from "./scope.js";
import { discoverSeeds } from "./seeds.js";
import type { CrawlCounts, CrawlInput, CrawlRun, FrontierPage, PageSettlement } from "./crawl-types.js";

const MAX_FAILURES_LISTED = 100;
// Pages fetched and waiting to be indexed, beyond those being fetched: enough for a sink to write
// large batches (a store's cost is mostly per request) while fetching goes on, with at most so
// much of their bodies held (a page may be a 20 MB PDF), so memory stays bounded.
const INDEXING_AHEAD = { pages: 64, bytes: 32 * 2 ** 20 };
const HTML_TYPES = new Set(["text/html", "application/xhtml+xml"]);
const realClock = { now: () => Date.now(), sleep: (ms: number, signal?: AbortSignal) => sleep(ms, undefined, { signal }).catch(() => undefined) };

interface Queued extends FrontierPage {
  attempt: number;
}

function normaliseUrlOrNull(url: string): string | null {
  try {
    return normaliseUrl(url);
  } catch {
    return null;
  }
}

/**
 * Crawl a site from `startUrl` within `scope`, politely: at most `scope.concurrency` requests in
 * flight, request starts spaced by robots.txt's Crawl-delay, 429/503 answered by waiting
 * (Retry-After), the host given up on after repeated failures. Every request goes through
 * @kmcp/acquire's fetchDocument (address rules on every hop, robots.txt, limits). Links are
 * normalised (fragments dropped) and each page is visited once per job; what is found and what
 * happened to each page go to the injected sink, which makes them durable (a page is settled
 * last, so a crawl killed at any moment and run again visits exactly the pages not settled).
 * @throws whatever the sink throws (its store is down): requests in flight finish first.
 */
export async function crawlSite(input: CrawlInput): Promise<CrawlRun> {
  // One site, many pages: connections are kept open between requests (each hop still vetted).
  const connections = new ConnectionPool();
  try {
    return await crawlWith({ ...input, fetchOptions: { ...input.fetchOptions, connections } });
  } finally {
    await connections.close();
  }
}

async function crawlWith(input: CrawlInput & { fetchOptions: NonNullable<CrawlInput["fetchOptions"]> }): Promise<CrawlRun> {
  const clock = input.clock ?? realClock;
  const { sink, signal, fetchOptions } = input;
  const scope = scopeRules(input.startUrl, input.scope);
  const startUrl = normaliseUrl(input.startUrl);
  const robotsCache = input.robots ?? new RobotsCache();
  const maxAttempts = input.maxAttempts ?? 3;
  const ahead = { ...INDEXING_AHEAD, ...input.indexingAhead };
  const rules: RobotsRules = await loadRobots(startUrl, fetchOptions, robotsCache);
  const gate = new HostGate({
    concurrency: input.scope.concurrency,
    crawlDelayMs: robotsCrawlDelayMs(rules, ROBOTS_AGENT),
    maxFailures: input.maxHostFailures ?? 10,
  });

  const known = new Set(input.known);
  // Pages settled in this job or being visited: never visited again.
  const claimed = new Set(known);
  for (const page of input.pending) claimed.delete(page.url);
  const queue: Queued[] = input.pending.map((page) => ({ ...page, attempt: 0 }));
  const retries: Queued[] = [];
  const outOfScope = new Set<string>();
  const counts: CrawlCounts = { stored: 0, unchanged: 0, gone: 0, failed: 0, skipped: { robots: 0, scope: 0, type: 0, duplicate: 0, host_failed: 0 } };
  const failures: CrawlRun["failures"] = [];
  let settledCount = input.settled;
  // Bytes of the bodies fetched and not settled yet.
  let heldBytes = 0;
  let fetchedCount = input.settled;
  // Pages being fetched or indexed; the loop wakes when a request ends or a page is settled.
  const inFlight = new Set<Promise<void>>();
  let wake: () => void = () => {};
  let woken = new Promise<void>((resolve) => (wake = resolve));
  const rearm = () => {
    woken = new Promise<void>((resolve) => (wake = resolve));
  };
  // The first error that is not a page's (the sink's store is down): no request starts after it.
  const fatal: { error?: unknown; happened: boolean } = { happened: false };

  /** Queue pages not known yet, after making them durable. */
  async function discover(urls: readonly string[], depth: number): Promise<void> {
    const fresh: FrontierPage[] = [];
    for (const raw of urls) {
      const url = normaliseUrlOrNull(raw);
      if (url === null || known.has(url)) continue;
      if (scope.check(url, depth) !== null) {
        outOfScope.add(url);
        continue;
      }
      known.add(url);
      fresh.push({ url, depth, etag: null, lastModified: null });
    }
    if (fresh.length === 0) return;
    await sink.discover(fresh.map(({ url, depth: d }) => ({ url, depth: d })));
    // A page claimed meanwhile (a redirect's target, being fetched) is durable but not queued.
    queue.push(...fresh.filter((page) => !claimed.has(page.url)).map((page) => ({ ...page, attempt: 0 })));
  }

  async function settle(settlement: PageSettlement): Promise<void> {
    await sink.settle(settlement);
    settledCount++;
    if (settlement.status === "skipped") counts.skipped[settlement.reason as keyof CrawlCounts["skipped"]]++;
    else counts[settlement.status]++;
    if (settlement.status === "failed" && failures.length < MAX_FAILURES_LISTED) failures.push({ url: settlement.url, reason: settlement.reason ?? "failed" });
    input.onProgress?.({ done: settledCount, queued: queue.length + retries.length, inFlight: inFlight.size, failed: counts.failed, last: settlement });
  }

  /** Fetch a sitemap or llms.txt through the same gate as pages. */
  async function fetchSeed(url: string, accept: readonly string[]) {
    for (let wait = gate.waitMs(clock.now()); wait !== 0; wait = gate.waitMs(clock.now())) {
      if (wait === null || signal?.aborted) return null;
      await clock.sleep(wait, signal);
    }
    gate.start(clock.now());
    try {
      const result = await fetchDocument(url, { ...fetchOptions, robots: robotsCache, accept });
      gate.finish();
      return result.notModified ? null : result;
    } catch {
      gate.finish();
      return null; // a site without a sitemap or llms.txt is the usual case
    }
  }

  /**
   * Fetch a page, then settle it. `release` is called once the request is over (with the failure
   * that counts against the host, if any, and the size of the body now held), before the page is
   * indexed: politeness is about requests, so the next one may start while this page is still
   * being extracted and stored.
   */
  async function visit(page: Queued, release: (hostFailure: string | null, bodyBytes?: number) => void): Promise<void> {
    let fetched: FetchResult;
    // A redirect is followed only to a page in scope not known yet (claimed here, so no other
    // request fetches it meanwhile): each page is requested once — a known one on its own, with
    // its validators —, and nothing outside.
    let notFollowed: { location: string; reason: "scope" | "duplicate" } | null = null;
    const followRedirect = (location: string) => {
      const to = normaliseUrlOrNull(location);
      if (to === page.url) return true;
      const reason = to === null || scope.check(to, page.depth) !== null ? "scope" : known.has(to) || claimed.has(to) ? "duplicate" : null;
      if (reason) notFollowed = { location, reason };
      else claimed.add(to as string);
      return reason === null;
    };
    try {
      fetched = await fetchDocument(page.url, { ...fetchOptions, robots: robotsCache, etag: page.etag, lastModified: page.lastModified, followRedirect });
    } catch (error) {
      const stopped = notFollowed as { location: string; reason: "scope" | "duplicate" } | null;
      const verdict = stopped ? null : fetchVerdict(error, page.attempt, maxAttempts);
      if (verdict?.kind === "retry") {
        gate.pause(clock.now() + verdict.waitMs);
        fetchedCount--; // not settled: it is tried again
        retries.push({ ...page, attempt: page.attempt + 1 });
      }
      release(verdict?.kind === "failed" && verdict.hostFailure ? verdict.reason : null);
      if (stopped) return settle({ url: page.url, status: "skipped", reason: stopped.reason, finalUrl: stopped.location });
      if (!verdict) throw error;
      if (verdict.kind === "retry") return;
      if (verdict.kind === "gone") {
        await sink.remove(page.url);
        return settle({ url: page.url, status: "gone", reason: verdict.reason, chunks: 0 });
      }
      if (verdict.kind === "skipped") return settle({ url: page.url, status: "skipped", reason: verdict.reason });
      return settle({ url: page.url, status: "failed", reason: verdict.reason });
    }
    if (fetched.notModified) {
      release(null);
      return settle({ url: page.url, status: "unchanged", reason: null });
    }
    release(null, fetched.bytes.byteLength);
    const finalUrl = normaliseUrl(fetched.finalUrl);
    let url = page.url;
    if (finalUrl !== page.url) {
      // Another page (claimed when its redirect was followed): indexed under its own URL. This URL
      // is settled first, so a crash before that page is stored leaves it to fetch, not this one.
      await discover([finalUrl], page.depth);
      await settle({ url: page.url, status: "skipped", reason: "duplicate", finalUrl });
      url = finalUrl;
    }
    const media = mediaType(fetched.contentType ?? "");
    if (HTML_TYPES.has(media)) {
      const html = decodeText(fetched.bytes, charsetOf(fetched.contentType), true);
      await discover(extractLinks(html, fetched.finalUrl), page.depth + 1);
    }
    const stored = await sink.store({
      url,
      depth: page.depth,
      finalUrl: fetched.finalUrl,
      contentType: fetched.contentType,
      bytes: fetched.bytes,
      etag: fetched.etag,
      lastModified: fetched.lastModified,
    });
    const validators = { finalUrl: fetched.finalUrl, etag: fetched.etag, lastModified: fetched.lastModified, contentType: fetched.contentType };
    if (stored.status === "failed") await settle({ url, status: "failed", reason: stored.reason, ...validators });
    else if (stored.status === "skipped") await settle({ url, status: "skipped", reason: stored.reason, ...validators });
    else await settle({ url, status: stored.status, reason: null, ...validators, title: stored.title, contentHash: stored.contentHash, chunks: stored.chunks });
  }

  function next(): Queued | undefined {
    const page = retries.shift() ?? queue.shift();
    if (page) claimed.add(page.url);
    return page;
  }

  await discover([startUrl], 0);
  if (input.seed) await discover(await discoverSeeds(scope.origin, scope.pathPrefix, rules, fetchSeed), 1);

  for (;;) {
    let waitMs: number | null = null;
    while (
      !fatal.happened &&
      !signal?.aborted &&
      retries.length + queue.length > 0 &&
      fetchedCount < input.scope.maxPages &&
      inFlight.size < input.scope.concurrency + ahead.pages &&
      heldBytes < ahead.bytes
    ) {
      const head = retries[0] ?? queue[0];
      // Decided without a request: robots.txt, and a resumed page the job's scope leaves out.
      const skip = head && !robotsAllow(rules, head.url, ROBOTS_AGENT) ? "robots" : head && scope.check(head.url, head.depth) !== null ? "scope" : null;
      if (head && skip) {
        next();
        await settle({ url: head.url, status: "skipped", reason: skip });
        continue;
      }
      waitMs = gate.waitMs(clock.now());
      if (waitMs !== 0) break;
      const page = next() as Queued;
      gate.start(clock.now());
      fetchedCount++;
      let released = false;
      let holding = 0;
      const release = (hostFailure: string | null, bodyBytes = 0) => {
        if (released) return;
        released = true;
        holding = bodyBytes;
        heldBytes += bodyBytes;
        gate.finish(hostFailure);
        wake();
      };
      const task: Promise<void> = visit(page, release)
        .catch((error: unknown) => {
          if (!fatal.happened) Object.assign(fatal, { happened: true, error });
        })
        .finally(() => {
          release(null);
          heldBytes -= holding;
          inFlight.delete(task);
          wake();
        });
      inFlight.add(task);
    }
    const waiting = waitMs !== null && waitMs > 0 && !fatal.happened && !signal?.aborted;
    if (inFlight.size === 0 && !waiting) break;
    if (waiting) {
      const pause = new AbortController();
      await Promise.race([woken, clock.sleep(waitMs as number, AbortSignal.any([pause.signal, ...(signal ? [signal] : [])]))]);
      pause.abort();
    } else {
      // No controller per wake when nothing waits: in heap profiles each one (and its abort
      // event) outlived young collections, garbage only a full collection frees.
      await woken;
    }
    rearm();
  }
  if (fatal.happened) throw fatal.error;

  const remaining = queue.length + retries.length;
  const stopReason = remaining > 0 && gate.stopped ? `${scope.origin} ${gate.stopReason}` : remaining > 0 && signal?.aborted ? "interrupted" : null;
  return { counts, outOfScope: outOfScope.size, failures, remaining, stopReason, maxPagesReached: remaining > 0 && fetchedCount >= input.scope.maxPages };
}


