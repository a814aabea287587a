/**
 * knowledge_preflight and knowledge_acquire over stdio: the built server, real PostgreSQL and
 * Chroma, and a document server on loopback (hence KMCP_ACQUIRE_ALLOW_PRIVATE=1).
 */
import { createServer, type Server } from "node:http";
import type { LocalChroma, LocalPostgres } from "@kmcp/local-servers";
import { closeServer, listenOnLoopback } from "@kmcp/testing/http";
import { startFixtureSite, type FixtureSite } from "@kmcp/testing/site";
import { ProgressNotificationSchema, type ProgressNotification } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { call, connectStdio, startStores, text } from "./harness.js";

const PAGE = `<!doctype html><html><head><title>Beekeeping</title></head><body><nav>Menu</nav>
<article><h1>Beekeeping</h1><p>The beekeeper smokes the hive gently before lifting the frames, and checks the brood for the queen's eggs.
Swarming season starts when the colony outgrows its boxes in late spring.</p></article></body></html>`;

describe("knowledge_preflight and knowledge_acquire over stdio", () => {
  let postgres: LocalPostgres;
  let chroma: LocalChroma;
  let web: Server;
  let base: string;
  let session: Awaited<ReturnType<typeof connectStdio>>;
  let site: FixtureSite;

  beforeAll(async () => {
    site = await startFixtureSite({ sections: 2, pagesPerSection: 5 });
    web = createServer((req, res) => {
      if (req.url === "/bees") return res.writeHead(200, { "content-type": "text/html; charset=utf-8", "content-length": String(Buffer.byteLength(PAGE)) }).end(req.method === "HEAD" ? undefined : PAGE);
      res.writeHead(404).end();
    });
    base = await listenOnLoopback(web);
    let env: Record<string, string>;
    ({ postgres, chroma, env } = await startStores());
    session = await connectStdio({
      ...env,
      KMCP_ACQUIRE_ALLOW_PRIVATE: "1",
      KMCP_MCP_ALLOW_ACQUIRE: "1",
      KMCP_CRAWL_MAX_AGE: "1s", // so that health soon calls the crawled site stale
    });
  });
  afterAll(async () => {
    await session?.close();
    await Promise.all([postgres?.destroy(), chroma?.destroy(), web && closeServer(web), site?.close()]);
  });

  it("lists knowledge_acquire when the operator allows it", async () => {
    const names = (await session.client.listTools()).tools.map((t) => t.name);
    expect(names).toEqual(expect.arrayContaining(["knowledge_preflight", "knowledge_acquire"]));
  });

  it("preflights a page without storing anything: allowed, reachable, its type and size, would create a source", async () => {
    const result = await call(session.client, "knowledge_preflight", { url: `${base}/bees` });
    expect(result.isError, text(result)).toBeFalsy();
    expect(result.structuredContent).toMatchObject({
      allowed: true,
      reachable: true,
      action: "create",
      source: null,
      probe: { status: 200, method: "HEAD", contentType: "text/html; charset=utf-8", contentLength: Buffer.byteLength(PAGE), supported: true },
    });
    const missing = await call(session.client, "knowledge_preflight", { url: `${base}/gone` });
    expect(missing.structuredContent).toMatchObject({ allowed: true, reachable: false, action: "refuse", reason: `${base}/gone answered HTTP 404.` });
    expect((await call(session.client, "knowledge_sources")).structuredContent).toMatchObject({ items: [] });
  });

  it("acquires with progress notifications, and the page becomes searchable; preflight then says it would update it", async () => {
    // The SDK client hands a progress notification to `onprogress` a microtask late and drops it if
    // the response came first, so the last step could vanish: collect them by token instead.
    const progress: ProgressNotification["params"][] = [];
    session.client.setNotificationHandler(ProgressNotificationSchema, (n) => void progress.push(n.params));
    const result = await session.client.callTool(
      { name: "knowledge_acquire", arguments: { url: `${base}/bees`, authorityTier: "tier_1_canonical" }, _meta: { progressToken: "acquire-bees" } },
      undefined,
      { timeout: 30_000 },
    );
    expect(result.isError, JSON.stringify(result.content)).toBeFalsy();
    expect(result.structuredContent).toMatchObject({ outcome: "added", kind: "html", title: "Beekeeping", sourceCreated: true, synced: true });
    await vi.waitFor(() => expect(progress.map((p) => p.message)).toEqual(["fetched the document", "extracted its text", "stored its chunks", "made it searchable"]));
    expect(progress.at(-1)).toMatchObject({ progress: 4, total: 4, progressToken: "acquire-bees" });

    const found = await call(session.client, "knowledge_search", { query: "beekeeper smokes the hive" });
    expect((found.structuredContent!.results as { source: { url: string } }[])[0]?.source.url).toBe(`${base}/bees`);
    const again = await call(session.client, "knowledge_preflight", { url: `${base}/bees` });
    expect(again.structuredContent).toMatchObject({ action: "update", source: { id: (result.structuredContent as { sourceId: string }).sourceId, status: "active" } });
  });

  it("crawls a site with crawl: true, per-page progress; search cites the pages; knowledge_stats counts sites and pages by state", async () => {
    const progress: ProgressNotification["params"][] = [];
    session.client.setNotificationHandler(ProgressNotificationSchema, (n) => void progress.push(n.params));
    const result = await session.client.callTool(
      { name: "knowledge_acquire", arguments: { url: site.start, crawl: true, maxPages: 100, exclude: ["/docs/s1/p4.html"] }, _meta: { progressToken: "crawl-docs" } },
      undefined,
      { timeout: 60_000 },
    );
    expect(result.isError, JSON.stringify(result.content)).toBeFalsy();
    const expected = site.expectedPaths().filter((p) => p !== "/docs/s1/p4.html");
    expect(result.structuredContent).toMatchObject({ sourceCreated: true, synced: true, crawl: { status: "completed", resumed: false, fetched: expected.length, pages: expected.length, failed: [] } });
    await vi.waitFor(() => expect(progress.filter((p) => p.progressToken === "crawl-docs").length).toBeGreaterThanOrEqual(expected.length));

    const found = await call(session.client, "knowledge_search", { query: "sect1page2" });
    expect((found.structuredContent!.results as { document: { url: string } | null }[])[0]?.document?.url).toBe(`${site.base}/docs/s1/p2.html`);
    const stats = await call(session.client, "knowledge_stats");
    expect(stats.structuredContent).toMatchObject({ crawls: { sites: { completed: 1, running: 0 }, pages: { stored: expected.length } } });
    await vi.waitFor(
      async () => {
        const status = await call(session.client, "knowledge_status");
        const checks = (status.structuredContent as { health: { checks: Record<string, unknown[]> } }).health.checks;
        expect(checks["crawls:freshness"]?.[0]).toMatchObject({ status: "warn", observedValue: 1 });
      },
      { timeout: 15_000, interval: 250 },
    );

    const misuse = await call(session.client, "knowledge_acquire", { url: site.start, maxPages: 3 });
    expect(misuse.isError).toBe(true);
    expect(text(misuse)).toContain("go with crawl: true");
  });
});
