import { createServer, type IncomingMessage, type Server } from "node:http";
import type { ChromaStore } from "@kmcp/chroma-store";
import type { Db } from "@kmcp/db";
import { createIngester, createLocalEmbedder, createSearch } from "@kmcp/search";
import type { OfflineSyncManager } from "@kmcp/sync-core";
import { makeDocx, makePdf } from "@kmcp/testing/documents";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { silentLogger } from "@kmcp/core";
import { createAcquire, createRequestAcquirer } from "../src/index.js";
import { closeServer, listenOnLoopback } from "@kmcp/testing/http";
import { privateStores, type PrivateStores } from "./private-stores.js";

const embedder = createLocalEmbedder();
const requests: { url: string; ifNoneMatch: string | undefined }[] = [];
let server: Server;
let base: string;
let pdf: Uint8Array;
let docx: Uint8Array;

const ARTICLE = `<!doctype html><html><head><title>Vacuum guide</title></head><body>
<nav>Home | Docs | Blog</nav>
<article><h1>Vacuum guide</h1>
<p>Autovacuum removes dead tuples left behind by updates and deletes, so tables do not bloat over time.
It runs in the background and is tuned with a handful of settings that most databases never need to change.</p>
<h2>Freezing</h2>
<p>Freezing marks old rows as visible to every transaction, which protects the database against transaction id wraparound.
An aggressive vacuum freezes every page of a table, and it runs automatically when a table gets too old.</p>
</article><footer>Footer</footer></body></html>`;

beforeAll(async () => {
  docx = await makeDocx([
    { heading: "Welcome", paragraphs: ["This handbook explains how the team works."] },
    { heading: "Quarterly penguin audit", paragraphs: ["Penguin audits count every flipper in the colony before the quarter closes."] },
  ]);
  pdf = await makePdf([["Runbook page one about setup."], ["Runbook page two: the ocelot restore drill."]], { title: "Runbook" });
  server = createServer((req: IncomingMessage, res) => {
    requests.push({ url: req.url ?? "", ifNoneMatch: req.headers["if-none-match"] });
    if (req.url === "/guide") {
      if (req.headers["if-none-match"] === '"g1"') return res.writeHead(304).end();
      return res.writeHead(200, { "content-type": "text/html; charset=utf-8", etag: '"g1"' }).end(ARTICLE);
    }
    if (req.url === "/asked") return res.writeHead(200, { "content-type": "text/html" }).end(ARTICLE.replaceAll("Vacuum guide", "Freezing, asked for"));
    if (req.url === "/old") return res.writeHead(301, { location: "/runbook.pdf" }).end();
    if (req.url === "/runbook.pdf") return res.writeHead(200, { "content-type": "application/pdf", "last-modified": "Mon, 01 Jan 2024 00:00:00 GMT" }).end(pdf);
    if (req.url === "/handbook") return res.writeHead(200, { "content-type": "application/vnd.openxmlformats-officedocument.wordprocessingml.document" }).end(docx);
    if (req.url === "/fake.pdf") return res.writeHead(200, { "content-type": "application/pdf" }).end("just text");
    res.writeHead(404).end();
  });
  base = await listenOnLoopback(server);
});
afterAll(() => closeServer(server));
beforeEach(() => {
  requests.length = 0;
});

describe("acquire", () => {
  let postgres: PrivateStores["postgres"];
  let db: Db;
  let store: ChromaStore;
  let sync: OfflineSyncManager;
  let acquire: ReturnType<typeof createAcquire>;

  beforeAll(async () => {
    ({ postgres, db, store, sync } = await privateStores());
    acquire = createAcquire({ db, store, ingester: createIngester({ db, store, embedder }), sync, logger: silentLogger, allowPrivate: true });
  });

  it("fetches an HTML page, keeps its main content, and makes the source active and searchable", async () => {
    const result = await acquire(`${base}/guide`);
    expect(result).toMatchObject({ outcome: "added", kind: "html", sourceCreated: true, finalUrl: `${base}/guide` });
    expect(result.chunks).toBeGreaterThan(0);
    const source = await db.sources.get(`${base}/guide`);
    expect(source).toMatchObject({ status: "active", title: "Vacuum guide" });
    expect(source?.lastCrawledAt).toBeInstanceOf(Date);
    expect(await db.fetchStates.get(source!.id)).toMatchObject({ etag: '"g1"', failureReason: null, finalUrl: `${base}/guide` });
    const { results } = await createSearch({ store, embedder, mirrorAsOf: sync.mirrorAsOf }).search({ query: "transaction id wraparound freezing", limit: 1 });
    expect(results[0]?.source.url).toBe(`${base}/guide`);
    expect(results[0]?.headingPath.join(" > ")).toContain("Freezing");
    expect(results[0]?.text).not.toContain("Footer");
  });

  it("re-acquires an unchanged page with a conditional request: 304, nothing written", async () => {
    const before = await db.sources.get(`${base}/guide`);
    const chunksBefore = await store.chunks.ofSource(before!.id);
    const result = await acquire(`${base}/guide`);
    expect(result.outcome).toBe("not_modified");
    expect(requests.filter((r) => r.url === "/guide")).toEqual([{ url: "/guide", ifNoneMatch: '"g1"' }]);
    expect(await db.sources.get(`${base}/guide`)).toEqual(before);
    expect(await store.chunks.ofSource(before!.id)).toEqual(chunksBefore);
  });

  it("follows a redirect to a PDF and records pages on its chunks", async () => {
    const result = await acquire(`${base}/old`, { sourceType: "documentation", authorityTier: "tier_1_canonical" });
    expect(result).toMatchObject({ kind: "pdf", finalUrl: `${base}/runbook.pdf`, redirects: [`${base}/old`], title: "Runbook" });
    const { results } = await createSearch({ store, embedder, mirrorAsOf: sync.mirrorAsOf }).search({ query: "ocelot restore drill", limit: 1 });
    expect(results[0]).toMatchObject({ source: { url: `${base}/old` }, pages: expect.stringMatching(/2/) });
  });

  it("reads a Word document, keeping its headings in the results' heading path", async () => {
    expect(await acquire(`${base}/handbook`)).toMatchObject({ kind: "docx", outcome: "added" });
    const { results } = await createSearch({ store, embedder, mirrorAsOf: sync.mirrorAsOf }).search({ query: "penguin audits count every flipper", limit: 1 });
    expect(results[0]).toMatchObject({ source: { url: `${base}/handbook` }, headingPath: ["Quarterly penguin audit"] });
  });

  it("marks the source failed with the reason when the url cannot be fetched or read", async () => {
    await expect(acquire(`${base}/missing`)).rejects.toMatchObject({ code: "HTTP" });
    const missing = await db.sources.get(`${base}/missing`);
    expect(missing?.status).toBe("failed");
    expect((await db.fetchStates.get(missing!.id))?.failureReason).toContain("HTTP 404");

    await expect(acquire(`${base}/fake.pdf`)).rejects.toMatchObject({ code: "MISMATCH" });
    const fake = await db.sources.get(`${base}/fake.pdf`);
    expect(fake?.status).toBe("failed");
    expect((await db.fetchStates.get(fake!.id))?.failureReason).toContain("says a PDF, but the content is plain text");
    expect(await store.chunks.ofSource(fake!.id)).toEqual([]);
  });

  it("refuses a private address unless allowed, and fetches nothing", async () => {
    const strict = createAcquire({ db, store, ingester: createIngester({ db, store, embedder }), sync, logger: silentLogger, allowPrivate: false });
    await expect(strict(`${base}/guide?strict`)).rejects.toMatchObject({ code: "FORBIDDEN_ADDRESS" });
    expect(requests).toEqual([]);
  });

  it("approves a request, acquires its url and completes it linked to the now searchable source; a failing url leaves its request approved", async () => {
    const { acquireRequest, acquireRequests } = createRequestAcquirer({ db, store, acquire });
    const asked = await db.requests.create({ url: `${base}/asked`, reason: "Operators ask about freezing" });
    const { request, acquired } = await acquireRequest(asked.id, { approve: true });
    expect(acquired).toMatchObject({ outcome: "added", sourceCreated: true });
    expect(request).toMatchObject({ status: "completed", sourceId: acquired.sourceId });
    expect(await db.sources.get(acquired.sourceId)).toMatchObject({ status: "active", url: `${base}/asked` });
    const { results } = await createSearch({ store, embedder, mirrorAsOf: sync.mirrorAsOf }).search({ query: "aggressive vacuum freezes every page", limit: 5 });
    expect(results.map((r) => r.source.url)).toContain(`${base}/asked`);

    const gone = await db.requests.create({ url: `${base}/gone`, reason: "Asked too" });
    await db.requests.transition({ id: gone.id, to: "approved" });
    const [failed] = await acquireRequests({ all: true });
    expect(failed).toMatchObject({ outcome: "failed", request: { id: gone.id, status: "approved" }, reason: `${base}/gone answered HTTP 404.` });
    expect(await db.sources.get(`${base}/gone`)).toMatchObject({ status: "failed" });
  });

  it("refuses at once when PostgreSQL is down, fetching and writing nothing", async () => {
    await postgres.stop();
    const started = performance.now();
    await expect(acquire(`${base}/guide?down`)).rejects.toMatchObject({ name: "DbError", code: expect.stringMatching(/UNREACHABLE|TIMEOUT/) });
    expect(performance.now() - started).toBeLessThan(10_000);
    expect(requests).toEqual([]);
  });
});
