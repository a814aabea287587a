import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { gzipSync, brotliCompressSync } from "node:zlib";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  type AcquireErrorCode,
  fetchDocument,
  type FetchOptions,
  isAcquireError,
  loadRobots,
  ROBOTS_AGENT,
  RobotsCache,
  robotsAllow,
  robotsCrawlDelayMs,
} from "../src/index.js";
import { closeServer, listenOnLoopback } from "@kmcp/testing/http";

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

let server: Server;
let base: string;
const routes = new Map<string, Handler>();
const hits: string[] = [];
let slowBodySent = 0;
let slowBodyClosed = false;

const html = "<!doctype html><html><head><title>Hello</title></head><body><p>Hello from the test server.</p></body></html>";

beforeAll(async () => {
  routes.set("/page", (_req, res) => res.writeHead(200, { "content-type": "text/html; charset=utf-8", etag: '"v1"', "last-modified": "Mon, 01 Jan 2024 00:00:00 GMT" }).end(html));
  routes.set("/r1", (_req, res) => res.writeHead(301, { location: "/r2" }).end());
  routes.set("/r2", (_req, res) => res.writeHead(302, { location: `${base}/r3` }).end());
  routes.set("/r3", (_req, res) => res.writeHead(307, { location: "/page" }).end());
  routes.set("/loop-a", (_req, res) => res.writeHead(302, { location: "/loop-b" }).end());
  routes.set("/loop-b", (_req, res) => res.writeHead(302, { location: "/loop-a" }).end());
  routes.set("/missing", (_req, res) => res.writeHead(404).end("no"));
  routes.set("/broken", (_req, res) => res.writeHead(500).end("oops"));
  routes.set("/binary", (_req, res) => res.writeHead(200, { "content-type": "application/octet-stream" }).end(Buffer.alloc(10)));
  routes.set("/gzip", (_req, res) => res.writeHead(200, { "content-type": "text/html", "content-encoding": "gzip" }).end(gzipSync(html)));
  routes.set("/br", (_req, res) => res.writeHead(200, { "content-type": "text/html", "content-encoding": "br" }).end(brotliCompressSync(html)));
  routes.set("/private/doc", (_req, res) => res.writeHead(200, { "content-type": "text/plain" }).end("secret"));
  routes.set("/robots.txt", (_req, res) => res.writeHead(200, { "content-type": "text/plain" }).end("User-agent: kmcp\nDisallow: /private/\nCrawl-delay: 0.25\n"));
  routes.set("/busy", (_req, res) => res.writeHead(429, { "retry-after": "2" }).end("slow down"));
  routes.set("/down", (_req, res) => res.writeHead(503).end("maintenance"));
  routes.set("/sitemap.xml", (_req, res) => res.writeHead(200, { "content-type": "application/xml" }).end("<urlset/>"));
  routes.set("/conditional", (req, res) => {
    if (req.headers["if-none-match"] === '"v1"') return res.writeHead(304).end();
    res.writeHead(200, { "content-type": "text/plain", etag: '"v1"' }).end("fresh");
  });
  routes.set("/slow-headers", (_req, res) => {
    setTimeout(() => res.writeHead(200, { "content-type": "text/plain" }).end("late"), 5_000).unref();
  });
  routes.set("/huge", (_req, res) => {
    // 10 MB at 64 KB every 10 ms: the client must give up long before the end.
    res.writeHead(200, { "content-type": "text/plain" });
    const chunk = Buffer.alloc(64 * 1024, "a");
    const timer = setInterval(() => {
      if (slowBodySent >= 10 * 1024 * 1024) {
        clearInterval(timer);
        res.end();
        return;
      }
      slowBodySent += chunk.length;
      res.write(chunk);
    }, 10);
    res.on("close", () => {
      slowBodyClosed = true;
      clearInterval(timer);
    });
  });
  routes.set("/to-loopback", (_req, res) => res.writeHead(302, { location: `${base}/page` }).end());
  server = createServer((req, res) => {
    hits.push(req.url ?? "");
    const handler = routes.get((req.url ?? "").split("?")[0] ?? "");
    if (handler) handler(req, res);
    else res.writeHead(404).end();
  });
  base = await listenOnLoopback(server);
});
afterAll(() => closeServer(server));
beforeEach(() => {
  hits.length = 0;
});

const local: FetchOptions = { allowPrivate: true, timeoutMs: 5_000 };

async function refusal(url: string, options: FetchOptions): Promise<{ code: AcquireErrorCode; message: string }> {
  try {
    await fetchDocument(url, options);
  } catch (error) {
    if (isAcquireError(error)) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error(`expected ${url} to be refused`);
}

describe("fetchDocument against a local server (allowPrivate)", () => {
  it("fetches a page with its type, ETag and Last-Modified, and sends kmcp's User-Agent", async () => {
    let agent: string | undefined;
    routes.set("/ua", (req, res) => {
      agent = req.headers["user-agent"];
      res.writeHead(200, { "content-type": "text/plain" }).end("ok");
    });
    const result = await fetchDocument(`${base}/page`, local);
    expect(result).toMatchObject({ notModified: false, status: 200, contentType: "text/html; charset=utf-8", etag: '"v1"', lastModified: "Mon, 01 Jan 2024 00:00:00 GMT" });
    if (!result.notModified) expect(Buffer.from(result.bytes).toString()).toBe(html);
    await fetchDocument(`${base}/ua`, local);
    expect(agent).toMatch(/^kmcp\/\d+\.\d+\.\d+ \(\+https:\/\/github\.com\//);
  });

  it("follows a redirect chain and reports the final URL", async () => {
    const result = await fetchDocument(`${base}/r1`, local);
    expect(result.finalUrl).toBe(`${base}/page`);
    expect(result.redirects).toEqual([`${base}/r1`, `${base}/r2`, `${base}/r3`]);
  });

  it("asks followRedirect before each redirect, and stops where it says no", async () => {
    const asked: string[] = [];
    const stopped = await fetchDocument(`${base}/r1`, { ...local, followRedirect: (to) => (asked.push(to), !to.endsWith("/r3")) }).catch((e: unknown) => e);
    expect(asked).toEqual([`${base}/r2`, `${base}/r3`]);
    expect(stopped).toMatchObject({ code: "REDIRECTS", data: { location: `${base}/r3`, notFollowed: true } });
    expect(hits).toEqual(["/robots.txt", "/r1", "/r2"]);
  });

  it("refuses a redirect loop and too many redirects", async () => {
    expect(await refusal(`${base}/loop-a`, local)).toMatchObject({ code: "REDIRECTS", message: expect.stringContaining("redirect loop") });
    expect(await refusal(`${base}/r1`, { ...local, maxRedirects: 2 })).toMatchObject({ code: "REDIRECTS", message: expect.stringContaining("more than 2 redirects") });
  });

  it("refuses 404 and 500 with the status", async () => {
    expect(await refusal(`${base}/missing`, local)).toMatchObject({ code: "HTTP", message: expect.stringContaining("HTTP 404") });
    expect(await refusal(`${base}/broken`, local)).toMatchObject({ code: "HTTP", message: expect.stringContaining("HTTP 500") });
  });

  it("refuses application/octet-stream", async () => {
    expect(await refusal(`${base}/binary`, local)).toMatchObject({ code: "UNSUPPORTED_TYPE", message: expect.stringContaining("application/octet-stream") });
  });

  it("decompresses gzip and brotli", async () => {
    for (const route of ["/gzip", "/br"]) {
      const result = await fetchDocument(`${base}${route}`, local);
      expect(result.notModified ? "" : Buffer.from(result.bytes).toString()).toBe(html);
    }
  });

  it("refuses a body over the limit while it streams, long before the server is done", async () => {
    const started = performance.now();
    expect(await refusal(`${base}/huge`, { ...local, maxBytes: 256 * 1024 })).toMatchObject({ code: "TOO_LARGE" });
    expect(performance.now() - started).toBeLessThan(3_000);
    await expect.poll(() => slowBodyClosed).toBe(true);
    expect(slowBodySent).toBeLessThan(2 * 1024 * 1024);
  });

  it("gives up on a slow page after the timeout", async () => {
    const started = performance.now();
    expect(await refusal(`${base}/slow-headers`, { ...local, timeoutMs: 300 })).toMatchObject({ code: "TIMEOUT" });
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it("obeys robots.txt, reading it once per origin", async () => {
    expect(await refusal(`${base}/private/doc`, local)).toMatchObject({ code: "ROBOTS", message: expect.stringContaining("robots.txt disallows") });
    expect(hits).toEqual(["/robots.txt"]);
    expect((await fetchDocument(`${base}/private/doc`, { ...local, robots: false })).notModified).toBe(false);
  });

  it("tells how long a 429 asked to wait (Retry-After); a 503 without the header says nothing", async () => {
    const busy = await fetchDocument(`${base}/busy`, local).catch((error: unknown) => error);
    expect(busy).toMatchObject({ code: "HTTP", data: { status: 429, retryAfterMs: 2_000 } });
    const down = await fetchDocument(`${base}/down`, local).catch((error: unknown) => error);
    expect(down).toMatchObject({ code: "HTTP", data: { status: 503 } });
    expect((down as { data: Record<string, unknown> }).data).not.toHaveProperty("retryAfterMs");
  });

  it("accepts other media types only when asked (a crawler reading a sitemap)", async () => {
    expect(await refusal(`${base}/sitemap.xml`, local)).toMatchObject({ code: "UNSUPPORTED_TYPE" });
    const sitemap = await fetchDocument(`${base}/sitemap.xml`, { ...local, accept: ["application/xml"] });
    expect(sitemap.notModified ? "" : Buffer.from(sitemap.bytes).toString()).toBe("<urlset/>");
  });

  it("loadRobots reads an origin's rules once, with their Crawl-delay", async () => {
    const cache = new RobotsCache();
    const rules = await loadRobots(`${base}/any/page`, local, cache);
    await loadRobots(`${base}/other`, local, cache);
    expect(hits).toEqual(["/robots.txt"]);
    expect(robotsAllow(rules, `${base}/private/x`, ROBOTS_AGENT)).toBe(false);
    expect(robotsCrawlDelayMs(rules, ROBOTS_AGENT)).toBe(250);
  });

  it("makes a conditional request: a 304 says notModified", async () => {
    expect(await fetchDocument(`${base}/conditional`, { ...local, etag: '"v1"' })).toMatchObject({ notModified: true, status: 304 });
    expect(await fetchDocument(`${base}/conditional`, { ...local, etag: '"v0"' })).toMatchObject({ notModified: false, etag: '"v1"' });
  });
});

describe("fetchDocument address rules (allowPrivate off)", () => {
  it.each([
    ["127.0.0.1", () => `${base}/page`, "127.0.0.1 is a loopback address"],
    ["localhost", () => `${base.replace("127.0.0.1", "localhost")}/page`, "is a loopback address"],
    ["[::1]", () => "http://[::1]:9/page", "::1] is a loopback address"],
    ["169.254.169.254", () => "http://169.254.169.254/latest/meta-data/", "is a link-local address"],
    ["10.0.0.1", () => "http://10.0.0.1/", "is a private network address"],
  ])("refuses %s before connecting", async (_label, url, message) => {
    expect(await refusal(url(), { timeoutMs: 2_000 })).toMatchObject({ code: "FORBIDDEN_ADDRESS", message: expect.stringContaining(message) });
    expect(hits).toEqual([]);
  });

  it("refuses a host whose name resolves to a private address, checking every address", async () => {
    const lookup = async () => [
      { address: "93.184.216.34", family: 4 },
      { address: "192.168.0.10", family: 4 },
    ];
    expect(await refusal("http://mixed.test/", { lookup })).toMatchObject({
      code: "FORBIDDEN_ADDRESS",
      message: "Refused http://mixed.test/: mixed.test resolves to 192.168.0.10, which is a private network address.",
    });
  });

  it("refuses a redirect from an allowed host to 127.0.0.1 without following it", async () => {
    // allowed.test is let through (allowHosts) and pinned to the test server; its redirect is not.
    const port = new URL(base).port;
    const lookup = async (host: string) => (host === "allowed.test" ? [{ address: "127.0.0.1", family: 4 }] : []);
    const result = await refusal(`http://allowed.test:${port}/to-loopback`, { lookup, allowHosts: ["allowed.test"] });
    expect(result).toMatchObject({ code: "FORBIDDEN_ADDRESS", message: expect.stringContaining(`Refused ${base}/page: 127.0.0.1 is a loopback address`) });
    expect(hits).toEqual(["/robots.txt", "/to-loopback"]);
  });

  it("refuses non-http URLs and URLs with credentials", async () => {
    expect(await refusal("file:///etc/passwd", {})).toMatchObject({ code: "VALIDATION" });
    expect(await refusal("ftp://example.test/x", {})).toMatchObject({ code: "VALIDATION" });
    expect(await refusal("http://user:pw@example.test/", {})).toMatchObject({ code: "VALIDATION" });
  });
});
