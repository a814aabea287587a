import { mkdir, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { makePdf } from "@kmcp/testing/documents";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { json, kmcp, tempHome } from "./run-cli.js";

const PAGE = `<!doctype html><html><head><title>Lighthouse keeping</title></head><body><nav>Menu</nav>
<article><h1>Lighthouse keeping</h1><p>The keeper trims the wick at dusk and winds the clockwork that turns the lens through the night.
Fog signals sound every thirty seconds whenever visibility drops below two nautical miles near the headland.</p></article></body></html>`;

let server: Server;
let base: string;
let env: Record<string, string>;
const seen: string[] = [];
/** Extra pages served as HTML, by path. */
const routes = new Map<string, string>();

beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push(`${req.url} ${req.headers["if-none-match"] ?? ""}`.trim());
    if (req.url === "/keeping") {
      if (req.headers["if-none-match"] === '"k1"') return res.writeHead(304).end();
      return res.writeHead(200, { "content-type": "text/html", etag: '"k1"' }).end(PAGE);
    }
    const extra = routes.get(req.url ?? "");
    if (extra) return res.writeHead(200, { "content-type": "text/html" }).end(extra);
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  env = { KMCP_HOME: await tempHome() };
  const up = await kmcp(["up", "--json"], env);
  expect(up.code, up.stderr).toBe(0);
});
afterAll(async () => {
  if (env) await kmcp(["down"], env);
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
});

describe("kmcp acquire", () => {
  it("acquires a page, then finds it unchanged on the next run", async () => {
    const allow = { ...env, KMCP_ACQUIRE_ALLOW_PRIVATE: "1" };
    const first = json<{ outcome: string; kind: string; title: string; chunks: number }>(await kmcp(["acquire", `${base}/keeping`, "--tier", "tier_1_canonical", "--json"], allow));
    expect(first).toMatchObject({ outcome: "added", kind: "html", title: "Lighthouse keeping" });
    const again = await kmcp(["acquire", `${base}/keeping`], allow);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain("not modified since the last fetch (HTTP 304); nothing written.");
    expect(seen.filter((s) => s.startsWith("/keeping"))).toEqual(["/keeping", '/keeping "k1"']);
    const found = json<{ results: { source: { url: string; authorityTier: string } }[] }>(await kmcp(["search", "fog", "signals", "headland", "--json"], env));
    expect(found.results[0]?.source).toMatchObject({ url: `${base}/keeping`, authorityTier: "tier_1_canonical" });
  });

  it("says why a url fails, and leaves its source failed", async () => {
    const missing = await kmcp(["acquire", `${base}/nowhere`], { ...env, KMCP_ACQUIRE_ALLOW_PRIVATE: "1" });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain(`${base}/nowhere answered HTTP 404.`);
    const sources = json<{ items: { url: string; status: string }[] }>(await kmcp(["sources", "list", "--json"], env)).items;
    expect(sources.find((s) => s.url === `${base}/nowhere`)?.status).toBe("failed");
  });

  it("refuses a loopback address without KMCP_ACQUIRE_ALLOW_PRIVATE", async () => {
    const result = await kmcp(["acquire", `${base}/keeping?x`], env);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("127.0.0.1 is a loopback address");
  });

  it("refuses at once when PostgreSQL is down", async () => {
    const before = seen.length;
    const result = await kmcp(["acquire", `${base}/keeping`], { ...env, KMCP_ACQUIRE_ALLOW_PRIVATE: "1", DATABASE_URL: "postgresql://kmcp:pw@127.0.0.1:1/kmcp" });
    expect(result.code).toBe(5);
    expect(result.stderr).toContain("Nothing was fetched or written: PostgreSQL is unreachable");
    expect(seen.length).toBe(before);
  });
});

describe("kmcp requests approve --acquire", () => {
  it("approves the request, acquires its url and completes the request with that source", async () => {
    const allow = { ...env, KMCP_ACQUIRE_ALLOW_PRIVATE: "1" };
    routes.set("/asked", PAGE.replace("Lighthouse keeping", "Tide tables").replace("The keeper trims the wick", "The harbourmaster posts the spring tide tables"));
    const { request } = json<{ request: { id: string } }>(await kmcp(["requests", "create", `${base}/asked`, "--reason", "Sailors ask about tides", "--json"], env));
    const result = json<{ request: { status: string; sourceId: string }; acquired: { sourceId: string; title: string; outcome: string } }>(
      await kmcp(["requests", "approve", request.id, "--acquire", "--json"], allow),
    );
    expect(result.acquired).toMatchObject({ title: "Tide tables", outcome: "added" });
    expect(result.request).toMatchObject({ status: "completed", sourceId: result.acquired.sourceId });
    const found = json<{ results: { source: { url: string } }[] }>(await kmcp(["search", "harbourmaster", "spring", "tide", "--json"], env));
    expect(found.results[0]?.source.url).toBe(`${base}/asked`);
  });
});

describe("kmcp requests acquire", () => {
  it("completes the reachable request, leaves the 404 approved with a failed source, and retries it on the next run", async () => {
    const allow = { ...env, KMCP_ACQUIRE_ALLOW_PRIVATE: "1" };
    routes.set("/charts", PAGE.replace("Lighthouse keeping", "Nautical charts"));
    const ask = async (path: string) => {
      const { request } = json<{ request: { id: string } }>(await kmcp(["requests", "create", `${base}${path}`, "--reason", "asked", "--json"], env));
      expect((await kmcp(["requests", "approve", request.id], env)).code).toBe(0);
      return request.id;
    };
    const [good, missing] = [await ask("/charts"), await ask("/later")];
    type Run = { results: { outcome: string; request: { id: string; status: string; sourceId: string | null }; reason?: string }[]; failed: number };
    const first = await kmcp(["requests", "acquire", "--all", "--json"], allow);
    expect(first.code, first.stderr).toBe(1);
    const byId = (run: Run) => Object.fromEntries(run.results.map((r) => [r.request.id, r]));
    const firstRun = byId(json<Run>({ ...first, code: 0 }));
    expect(firstRun[good]).toMatchObject({ outcome: "completed", request: { status: "completed", sourceId: expect.any(String) } });
    expect(firstRun[missing]).toMatchObject({ outcome: "failed", request: { status: "approved" }, reason: `${base}/later answered HTTP 404.` });
    const sources = json<{ items: { url: string; status: string }[] }>(await kmcp(["sources", "list", "--json"], env)).items;
    expect(sources.find((s) => s.url === `${base}/later`)?.status).toBe("failed");

    routes.set("/later", PAGE.replace("Lighthouse keeping", "Harbour pilots"));
    const second = await kmcp(["requests", "acquire", "--all"], allow);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toContain(`Request ${missing} is completed`);
    expect(second.stdout).not.toContain(good);
  });
});

describe("kmcp ingest with PDF files", () => {
  it("ingests a good PDF, names the broken one and exits 1", async () => {
    const dir = path.join(path.dirname(env.KMCP_HOME!), "pdfs");
    await mkdir(dir, { recursive: true });
    const pdf = await makePdf([["Page one."], ["The narwhal census is on page two."]], { title: "Census" });
    await writeFile(path.join(dir, "census.pdf"), pdf);
    await writeFile(path.join(dir, "notes.pdf"), "plain text, not a PDF\n");
    const result = await kmcp(["ingest", dir], env);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/census\.pdf\s+added/);
    expect(result.stderr).toMatch(/skipped .*notes\.pdf: The file name notes\.pdf says a PDF, but the content is plain text\./);
    const found = json<{ results: { pages: string | null; source: { title: string } }[] }>(await kmcp(["search", "narwhal", "census", "--json"], env));
    expect(found.results[0]).toMatchObject({ pages: expect.stringMatching(/2/), source: { title: "Census" } });
  });
});
