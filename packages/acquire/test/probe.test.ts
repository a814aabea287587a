import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isAcquireError, probeDocument } from "../src/index.js";
import { closeServer, listenOnLoopback } from "@kmcp/testing/http";

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

let server: Server;
let base: string;
const routes = new Map<string, Handler>();
const hits: string[] = [];
const body = "<!doctype html><title>Probe</title><p>Probed, not downloaded.</p>";

beforeAll(async () => {
  routes.set("/page", (_req, res) => res.writeHead(200, { "content-type": "text/html", "content-length": String(body.length) }).end(body));
  routes.set("/moved", (_req, res) => res.writeHead(301, { location: "/page" }).end());
  routes.set("/no-head", (req, res) => {
    if (req.method === "HEAD") return res.writeHead(405).end();
    res.writeHead(206, { "content-type": "application/pdf", "content-range": "bytes 0-0/4096" }).end("%");
  });
  routes.set("/image", (_req, res) => res.writeHead(200, { "content-type": "image/png" }).end());
  routes.set("/private/x", (_req, res) => res.writeHead(200, { "content-type": "text/plain" }).end("x"));
  routes.set("/robots.txt", (_req, res) => res.writeHead(200, { "content-type": "text/plain" }).end("User-agent: *\nDisallow: /private/\n"));
  server = createServer((req, res) => {
    hits.push(`${req.method} ${req.url} ${req.headers.range ?? ""}`.trim());
    (routes.get(req.url ?? "") ?? ((_q, s) => s.writeHead(404).end()))(req, res);
  });
  base = await listenOnLoopback(server);
});
afterAll(() => closeServer(server));

const allow = { allowPrivate: true };

describe("probeDocument", () => {
  it("answers with a HEAD, following redirects: type, length, no body read", async () => {
    const result = await probeDocument(`${base}/moved`, allow);
    expect(result).toMatchObject({ finalUrl: `${base}/page`, redirects: [`${base}/moved`], status: 200, method: "HEAD", contentType: "text/html", contentLength: body.length, supported: true });
    expect(hits.filter((h) => h.includes("/page") || h.includes("/moved"))).toEqual(["HEAD /moved", "HEAD /page"]);
  });

  it("falls back to a one-byte ranged GET when HEAD is refused", async () => {
    const result = await probeDocument(`${base}/no-head`, allow);
    expect(result).toMatchObject({ status: 206, method: "GET", contentType: "application/pdf", contentLength: 4096, supported: true });
    expect(hits).toContain("GET /no-head bytes=0-0");
  });

  it("reports an unsupported type instead of refusing it", async () => {
    expect(await probeDocument(`${base}/image`, allow)).toMatchObject({ supported: false, contentType: "image/png" });
  });

  it.each([
    ["/private/x", allow, "ROBOTS"],
    ["/missing", allow, "HTTP"],
    ["/page", {}, "FORBIDDEN_ADDRESS"],
  ] as const)("refuses %s with the same rules as fetchDocument (%s)", async (path, options, code) => {
    const error = await probeDocument(`${base}${path}`, options).catch((e: unknown) => e);
    expect(isAcquireError(error) && error.code).toBe(code);
  });
});
