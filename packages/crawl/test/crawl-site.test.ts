import { createServer } from "node:http";
import { CrawlScopeSchema, type CrawlScopeInput } from "@kmcp/core";
import { closeServer, listenOnLoopback } from "@kmcp/testing/http";
import { startFixtureSite, type FixtureSite } from "@kmcp/testing/site";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { crawlSite, type CrawlSink, type FrontierPage, type PageSettlement } from "../src/index.js";

/** An in-memory sink: what a durable one would keep, and the order of its calls. */
function memorySink(options: { failStoreAfter?: number } = {}) {
  const pages = new Map<string, { depth: number; settlement: PageSettlement | null }>();
  const stored: string[] = [];
  const removed: string[] = [];
  const sink: CrawlSink = {
    async discover(found) {
      for (const page of found) if (!pages.has(page.url)) pages.set(page.url, { depth: page.depth, settlement: null });
    },
    async store(page) {
      if (options.failStoreAfter !== undefined && stored.length >= options.failStoreAfter) throw new Error("the chunk store is down");
      stored.push(page.url);
      return { status: "stored", title: null, contentHash: String(page.bytes.length), chunks: 1 };
    },
    async remove(url) {
      removed.push(url);
    },
    async settle(settlement) {
      const page = pages.get(settlement.url);
      if (!page) throw new Error(`settled an unknown page ${settlement.url}`);
      page.settlement = settlement;
    },
  };
  const settled = (status?: PageSettlement["status"]) =>
    [...pages].filter(([, p]) => p.settlement && (!status || p.settlement.status === status)).map(([url]) => url);
  const pending = (): FrontierPage[] =>
    [...pages].filter(([, p]) => !p.settlement).map(([url, p]) => ({ url, depth: p.depth, etag: null, lastModified: null }));
  return { sink, pages, stored, removed, settled, pending };
}

let site: FixtureSite;
const paths = (urls: readonly string[]) => urls.map((u) => new URL(u).pathname).sort();
// A page fetched: a 2xx/304/4xx answer for it (redirects of a folder to its slash are not fetches of a page).
const pageFetches = (s: FixtureSite) => s.requests.filter((r) => r.status !== 301 && !/robots|sitemap|llms/.test(r.path)).map((r) => r.path.replace(/\/$/, ""));

const crawl = (sink: CrawlSink, scope: CrawlScopeInput = {}, extra: Partial<Parameters<typeof crawlSite>[0]> = {}) =>
  crawlSite({
    startUrl: site.start,
    scope: CrawlScopeSchema.parse({ maxPages: 1_000, ...scope }),
    pending: [],
    known: [],
    settled: 0,
    seed: true,
    sink,
    fetchOptions: { allowPrivate: true, timeoutMs: 10_000 },
    ...extra,
  });

beforeAll(async () => {
  site = await startFixtureSite({ sections: 6, pagesPerSection: 20, latencyMs: 3, crawlDelaySeconds: 0.002 });
});
afterAll(() => site.close());
beforeEach(() => site.reset());

describe("crawlSite against a local site", () => {
  it("stores exactly the pages in scope and allowed, each fetched once, never out of scope, at most 3 requests at once", async () => {
    const memory = memorySink();
    const run = await crawl(memory.sink);
    expect(paths(memory.stored)).toEqual(site.expectedPaths());
    const fetched = pageFetches(site);
    const twice = fetched.filter((p, i) => fetched.indexOf(p) !== i);
    expect(twice).toEqual(["/docs/s0/busy.html"]); // its 429, then the page
    expect(fetched.filter((p) => p === "/docs/s0/busy.html")).toHaveLength(2);
    expect(site.requests.filter((r) => r.path === "/docs/s0/busy.html").map((r) => r.status)).toEqual([429, 200]);
    for (const never of ["/docs/private/secret.html", "/blog/news.html"]) expect(fetched).not.toContain(never);
    expect(site.requests.every((r) => !r.path.startsWith("/blog") && !r.path.startsWith("/docs/private"))).toBe(true);
    expect(site.maxInFlight()).toBeLessThanOrEqual(3);
    expect(run.counts).toMatchObject({ stored: site.expectedPaths().length, failed: 0, gone: 1, skipped: { robots: 1, type: 1, duplicate: 1 } });
    expect(memory.removed).toEqual([`${site.base}/docs/missing.html`]);
    expect(run.outOfScope).toBeGreaterThanOrEqual(3); // the blog, the external host (several URLs)
    expect(run).toMatchObject({ remaining: 0, stopReason: null, maxPagesReached: false });
    // Retry-After: 1 — the page was asked for again no sooner than a second later.
    const [refused, served] = site.requests.filter((r) => r.path === "/docs/s0/busy.html");
    expect((served?.at ?? 0) - (refused?.at ?? 0)).toBeGreaterThanOrEqual(1_000);
  });

  it("spaces requests by robots.txt's Crawl-delay", async () => {
    const slow = await startFixtureSite({ sections: 1, pagesPerSection: 6, crawlDelaySeconds: 0.05 });
    try {
      const memory = memorySink();
      await crawlSite({
        startUrl: slow.start,
        scope: CrawlScopeSchema.parse({ maxPages: 8 }),
        pending: [],
        known: [],
        settled: 0,
        seed: false,
        sink: memory.sink,
        fetchOptions: { allowPrivate: true },
      });
      // A fetch's requests: the first, and the redirects it follows at once. Fetches start 50 ms
      // apart; arrivals may be a little closer (connection set-up varies), never near 0.
      const requests = slow.requests.filter((r) => r.path !== "/robots.txt");
      const starts = requests.filter((_, i) => i === 0 || requests[i - 1]?.status !== 301).map((r) => r.at);
      expect(starts.length).toBeGreaterThanOrEqual(6);
      const gaps = starts.slice(1).map((at, i) => at - (starts[i] as number));
      expect(Math.min(...gaps)).toBeGreaterThanOrEqual(30);
    } finally {
      await slow.close();
    }
  });

  it("keeps to --concurrency 1 and to maxDepth", async () => {
    const memory = memorySink();
    await crawl(memory.sink, { concurrency: 1, maxDepth: 1 });
    expect(site.maxInFlight()).toBe(1);
    // depth 0: /docs; depth 1: the sections, the sitemap and llms.txt pages, p0 (from the sitemap), p1 (old.html redirects there).
    expect(paths(memory.stored)).toEqual(
      [
        "/docs",
        "/docs/from-llms.html",
        "/docs/orphan-a.html",
        "/docs/orphan-b.html",
        "/docs/s0/p0.html",
        "/docs/s0/p1.html",
        ...Array.from({ length: 6 }, (_, s) => `/docs/s${s}`),
      ].sort(),
    );
  });

  it("stops at maxPages and says so; include and exclude patterns narrow the crawl", async () => {
    const limited = memorySink();
    const run = await crawl(limited.sink, { maxPages: 10 });
    expect(limited.settled().length).toBeLessThanOrEqual(11); // robots skips cost no request
    expect(run.maxPagesReached).toBe(true);
    expect(run.remaining).toBeGreaterThan(0);

    site.reset();
    const narrow = memorySink();
    await crawl(narrow.sink, { include: ["/docs", "/docs/s2/**"], exclude: ["**/p1*.html"] });
    expect(paths(narrow.stored)).toEqual(["/docs", "/docs/s2", ...[0, 2, 3, 4, 5, 6, 7, 8, 9].map((p) => `/docs/s2/p${p}.html`)].sort());
    expect(pageFetches(site).every((p) => p === "/docs" || p.startsWith("/docs/s2"))).toBe(true);
  });

  it("resumes: given the pending pages and the known ones, visits only what was not settled", async () => {
    const first = memorySink({ failStoreAfter: 40 });
    await expect(crawl(first.sink)).rejects.toThrow("the chunk store is down");
    const settledBefore = first.settled();
    expect(settledBefore.length).toBeGreaterThanOrEqual(40);
    site.reset();
    const resumed = memorySink();
    for (const [url, page] of first.pages) resumed.pages.set(url, { ...page });
    await crawl(resumed.sink, {}, { pending: first.pending(), known: [...first.pages.keys()], settled: settledBefore.length, seed: false });
    const refetched = pageFetches(site).filter((p) => settledBefore.some((u) => new URL(u).pathname.replace(/\/$/, "") === p));
    expect(refetched).toEqual([]);
    expect(paths([...first.stored, ...resumed.stored].filter((u, i, all) => all.indexOf(u) === i))).toEqual(site.expectedPaths());
  });

  it("fetches ahead of indexing: pages wait to be stored while later ones are fetched, up to indexingAhead pages beyond the requests", async () => {
    // Stores are held until 3 requests + 5 pages ahead are all waiting to be stored (or the last
    // page came): a crawler that waited for indexing before fetching would never get there (the
    // test times out).
    const cap = 3 + 5;
    const expected = site.expectedPaths().length;
    const memory = memorySink();
    let held: (() => void)[] = [];
    let calls = 0;
    let waiting = 0;
    let most = 0;
    const sink: CrawlSink = {
      ...memory.sink,
      async store(page) {
        calls++;
        most = Math.max(most, ++waiting);
        await new Promise<void>((resolve) => {
          held.push(resolve);
          if (held.length === cap || calls === expected) {
            // Released a moment later: a crawler that fetched past the bound would store a ninth meanwhile.
            const releasing = held;
            held = [];
            setTimeout(() => releasing.forEach((release) => release()), 20);
          }
        });
        waiting--;
        return memory.sink.store(page);
      },
    };
    await crawl(sink, {}, { indexingAhead: { pages: 5 } });
    expect(most).toBe(cap);
    expect(paths(memory.stored)).toEqual(site.expectedPaths());
  });

  it("holds at most indexingAhead.bytes of fetched bodies: no request starts while more waits to be stored", async () => {
    const memory = memorySink();
    let waiting = 0;
    let most = 0;
    const sink: CrawlSink = {
      ...memory.sink,
      async store(page) {
        most = Math.max(most, ++waiting);
        await new Promise((resolve) => setTimeout(resolve, 5));
        waiting--;
        return memory.sink.store(page);
      },
    };
    // One byte: once a body is held, only the requests already started (at most 3) may add theirs.
    await crawl(sink, {}, { indexingAhead: { bytes: 1 } });
    expect(most).toBeLessThanOrEqual(3);
    expect(paths(memory.stored)).toEqual(site.expectedPaths());
  });
});

describe("crawlSite against a failing site", () => {
  it("gives the host up after maxHostFailures failures in a row, says why, and leaves the rest of the frontier unvisited", async () => {
    const requested: string[] = [];
    const server = createServer((req, res) => {
      requested.push(req.url ?? "");
      if (req.url === "/broken") {
        const links = Array.from({ length: 10 }, (_, i) => `<a href="/broken/p${i}.html">p${i}</a>`).join(" ");
        return res.writeHead(200, { "content-type": "text/html" }).end(`<html><body><main><h1>Broken</h1><p>Links: ${links}</p></main></body></html>`);
      }
      if (req.url?.startsWith("/broken/p")) return res.writeHead(500).end("internal error");
      res.writeHead(404).end();
    });
    const base = await listenOnLoopback(server);
    try {
      const memory = memorySink();
      const run = await crawlSite({
        startUrl: `${base}/broken/`,
        scope: CrawlScopeSchema.parse({ concurrency: 1 }),
        pending: [],
        known: [],
        settled: 0,
        seed: false,
        sink: memory.sink,
        fetchOptions: { allowPrivate: true, timeoutMs: 10_000 },
        maxHostFailures: 3,
      });
      expect(run.stopReason).toBe(`${base} gave up after 3 failures in a row (last: ${base}/broken/p2.html answered HTTP 500.)`);
      expect(run).toMatchObject({ counts: { stored: 1, failed: 3 }, remaining: 7, maxPagesReached: false });
      expect(run.failures.map((f) => f.url)).toEqual([0, 1, 2].map((i) => `${base}/broken/p${i}.html`));
      expect(requested.filter((path) => path.startsWith("/broken/p"))).toEqual(["/broken/p0.html", "/broken/p1.html", "/broken/p2.html"]);
      expect(memory.pending().map((page) => new URL(page.url).pathname)).toEqual([3, 4, 5, 6, 7, 8, 9].map((i) => `/broken/p${i}.html`));
    } finally {
      await closeServer(server);
    }
  });
});
