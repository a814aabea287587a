import { spawn } from "node:child_process";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createChromaStore, type ChromaStore } from "@kmcp/chroma-store";
import { closeServer, listenOnLoopback } from "@kmcp/testing/http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bin, json, kmcp, tempHome } from "./run-cli.js";

// What `kmcp acquire` makes of real pages, end to end: a real `kmcp` process, the servers of
// `kmcp up`, and a node:http server on 127.0.0.1 serving pages the tests change as they go.

type Handler = (req: IncomingMessage, res: ServerResponse) => void;
let server: Server;
let base: string;
let env: Record<string, string>;
let allow: Record<string, string>;
let store: ChromaStore;
const routes = new Map<string, Handler>();
const requests: { url: string; ifNoneMatch: string | undefined }[] = [];

const page = (title: string, body: string, head = '<meta charset="utf-8">') =>
  `<!doctype html><html><head>${head}<title>${title}</title></head><body><article><h1>${title}</h1>${body}</article></body></html>`;
const paragraphs = (...texts: string[]) => texts.map((text) => `<p>${text}</p>`).join("\n");
const html = (body: string | Buffer, headers: Record<string, string> = {}, etag?: string): Handler => (req, res) => {
  if (etag && req.headers["if-none-match"] === etag) return void res.writeHead(304, { etag }).end();
  res.writeHead(200, { "content-type": "text/html; charset=utf-8", ...(etag ? { etag } : {}), ...headers }).end(body);
};

interface Found {
  results: { text: string; source: { url: string } }[];
}
const search = async (...args: string[]) => json<Found>(await kmcp(["search", ...args, "--json"], env)).results;
const acquire = async (path: string) => json<{ outcome: string; sourceId: string; chunks: number; title: string }>(await kmcp(["acquire", `${base}${path}`, "--json"], allow));
const sourceOf = async (path: string) => {
  const result = await kmcp(["sources", "get", `${base}${path}`, "--json"], env);
  return result.code === 0 ? json<{ source: { id: string; status: string; updatedAt: string; lastCrawledAt: string | null } }>(result).source : null;
};

beforeAll(async () => {
  server = createServer((req, res) => {
    requests.push({ url: req.url ?? "", ifNoneMatch: req.headers["if-none-match"] });
    const handler = routes.get(req.url ?? "");
    if (handler) return handler(req, res);
    res.writeHead(404).end();
  });
  base = await listenOnLoopback(server);
  env = { KMCP_HOME: await tempHome() };
  allow = { ...env, KMCP_ACQUIRE_ALLOW_PRIVATE: "1" };
  const up = json<{ chroma: { port: number } }>(await kmcp(["up", "--json"], env));
  // The chunks as kmcp stores them (default collections), read directly to check what was written.
  store = createChromaStore({ url: `http://127.0.0.1:${up.chroma.port}` });
});
afterAll(async () => {
  await store?.close();
  if (env) await kmcp(["down"], env);
  if (server) await closeServer(server);
});

describe("kmcp acquire of a page that changed", () => {
  it("replaces its chunks: the old text is no longer found, the new text is, and only the new chunks remain", async () => {
    const v1 = page("Seabird survey", paragraphs(
      "The albatross migration census counts every wandering albatross that passes the southern cape in winter.",
      "Volunteers log the albatross migration from the cliffs at dawn, noting wind and swell for each sighting.",
    ));
    routes.set("/survey", html(v1, {}, '"s1"'));
    const first = await acquire("/survey");
    expect(first.outcome).toBe("added");
    const oldIds = (await store.chunks.ofSource(first.sourceId)).map((chunk) => chunk.id);
    expect(oldIds).toHaveLength(first.chunks);
    expect((await search('"albatross migration"', "--mode", "lexical"))[0]?.source.url).toBe(`${base}/survey`);

    const v2 = page("Seabird survey", [
      "<h2>Nesting</h2>",
      paragraphs("The cormorant nesting count records every occupied ledge on the harbour wall in spring.", "Each cormorant nesting site is photographed twice a season."),
      "<h2>Methods</h2>",
      paragraphs(`Counters walk the wall at low tide and mark nests on a printed map. ${"They repeat the walk when fog hides the upper ledges. ".repeat(30)}`),
    ].join("\n"));
    routes.set("/survey", html(v2, {}, '"s2"'));
    requests.length = 0;
    const second = await acquire("/survey");
    expect(requests.filter((r) => r.url === "/survey")).toEqual([{ url: "/survey", ifNoneMatch: '"s1"' }]);
    expect(second).toMatchObject({ outcome: "replaced", sourceId: first.sourceId });

    const stored = await store.chunks.ofSource(first.sourceId);
    expect(stored.map((chunk) => chunk.index)).toEqual(Array.from({ length: second.chunks }, (_, i) => i));
    expect(stored.every((chunk) => chunk.count === second.chunks && chunk.contentHash === stored[0]?.contentHash)).toBe(true);
    expect(stored.filter((chunk) => oldIds.includes(chunk.id))).toEqual([]);
    expect(second.chunks).toBeGreaterThan(1);

    expect(await search('"albatross migration"', "--mode", "lexical")).toEqual([]);
    expect((await search("albatross", "migration", "census")).filter((r) => r.text.includes("albatross"))).toEqual([]);
    const found = await search("cormorant", "nesting", "ledge");
    expect(found[0]?.source.url).toBe(`${base}/survey`);
    expect(found[0]?.text).toContain("cormorant nesting");
  });
});

describe("kmcp acquire of a page with heavy boilerplate", () => {
  it("makes the article searchable, and not the navigation, header, footer or cookie banner", async () => {
    const boilerplate = `<!doctype html><html><head><meta charset="utf-8"><title>Beekeeping basics</title></head><body>
<div id="cookie-consent" class="cookie-banner"><p>We use marmalade tracking cookies to remember your quince preferences.</p><button>Accept all</button></div>
<header><a href="/">Home</a> <span>Telescope emporium of the northern valleys</span></header>
<nav><ul><li><a href="/a">Zanzibar lantern catalogue</a></li><li><a href="/b">Walrus upholstery service</a></li></ul></nav>
<main><article><h1>Beekeeping basics</h1>
<p>A healthy hive keeps its brood frames warm through the winter cluster, with the queen at the centre of the bees.</p>
<p>Inspect the honeycomb every nine days in summer and look for swarm cells along the bottom bars of each frame.</p>
<p>Feed a light hive with sugar syrup in autumn, so the colony stores enough honey before the first frost arrives.</p>
</article></main>
<aside>Related: walrus upholstery tips</aside>
<footer><p>Copyright Quokka Legal Department. Pelican shipping terms apply to every order.</p></footer>
<script>window.trackPelican = "pelican shipping";</script>
</body></html>`;
    routes.set("/bees", html(boilerplate));
    const acquired = await acquire("/bees");
    expect(acquired).toMatchObject({ outcome: "added", title: "Beekeeping basics" });

    const body = await search("swarm", "cells", "honeycomb");
    expect(body[0]?.source.url).toBe(`${base}/bees`);
    expect(body[0]?.text).toContain("swarm cells");
    // A quoted phrase must appear in a result: each boilerplate phrase finds nothing.
    for (const phrase of ["marmalade tracking cookies", "Telescope emporium", "Zanzibar lantern", "Walrus upholstery", "Quokka Legal Department", "Pelican shipping"]) {
      expect(await search(`"${phrase}"`), phrase).toEqual([]);
    }
    // Nor do their words, by keyword; by vector the nearest chunks come back, none holding them.
    expect(await search("marmalade", "emporium", "zanzibar", "walrus", "quokka", "pelican", "--mode", "lexical")).toEqual([]);
    expect((await search("quokka", "legal", "department", "pelican", "shipping")).filter((r) => /quokka|pelican/i.test(r.text))).toEqual([]);
    const chunks = await store.chunks.records((await store.chunks.ofSource(acquired.sourceId)).map((chunk) => chunk.id));
    expect(chunks.map((chunk) => chunk.text).join("\n")).not.toMatch(/marmalade|emporium|zanzibar|walrus|quokka|pelican|accept all/i);
  });
});

describe("kmcp acquire of Latin-1 pages", () => {
  it("decodes the charset of the header, and of a <meta> tag when the header has none", async () => {
    const inHeader = Buffer.from(page("Pâtisserie", paragraphs("La crème brûlée de Zürich est préparée chaque matin par le pâtissier."), ""), "latin1");
    routes.set("/latin1-header", html(inHeader, { "content-type": "text/html; charset=ISO-8859-1" }));
    const inMeta = Buffer.from(page("Fromagerie", paragraphs("Le gruyère de Genève mûrit dans une cave fraîche près du lac Léman."), '<meta charset="iso-8859-1">'), "latin1");
    routes.set("/latin1-meta", html(inMeta, { "content-type": "text/html" }));
    // Read as UTF-8, these bytes would not hold "é" or "ü": the decoding is what is tested.
    expect(inHeader.toString("utf8")).not.toContain("Zürich");
    expect(inMeta.toString("utf8")).not.toContain("Genève");

    expect(await acquire("/latin1-header")).toMatchObject({ outcome: "added", title: "Pâtisserie" });
    expect(await acquire("/latin1-meta")).toMatchObject({ outcome: "added", title: "Fromagerie" });
    const zurich = await search("Zürich", "crème", "brûlée", "--mode", "lexical");
    expect(zurich[0]?.source.url).toBe(`${base}/latin1-header`);
    expect(zurich[0]?.text).toContain("La crème brûlée de Zürich est préparée");
    const geneve = await search("gruyère", "Genève", "--mode", "lexical");
    expect(geneve[0]?.source.url).toBe(`${base}/latin1-meta`);
    expect(geneve[0]?.text).toContain("Le gruyère de Genève mûrit dans une cave fraîche");
  });
});

describe("kmcp acquire of a url that fails", () => {
  it("leaves its source failed with the reason, which sources get shows; a later success clears it", async () => {
    routes.set("/flaky", (_req, res) => void res.writeHead(500).end("oops"));
    const failed = await kmcp(["acquire", `${base}/flaky`], allow);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain(`${base}/flaky answered HTTP 500.`);
    const shown = await kmcp(["sources", "get", `${base}/flaky`], env);
    expect(shown.stdout).toMatch(/status\s+failed/);
    expect(shown.stdout).toMatch(/last fetch\s+\S+: failed: .*answered HTTP 500\./);
    const asJson = json<{ source: { status: string }; fetch: { failureReason: string | null } }>(await kmcp(["sources", "get", `${base}/flaky`, "--json"], env));
    expect(asJson).toMatchObject({ source: { status: "failed" }, fetch: { failureReason: expect.stringContaining("answered HTTP 500.") } });

    routes.set("/flaky", html(page("Recovered page", paragraphs("The flaky server answers again with the tide tables for the estuary."))));
    expect(await acquire("/flaky")).toMatchObject({ outcome: "added" });
    const recovered = json<{ source: { status: string }; fetch: { failureReason: string | null; finalUrl: string } }>(await kmcp(["sources", "get", `${base}/flaky`, "--json"], env));
    expect(recovered).toMatchObject({ source: { status: "active" }, fetch: { failureReason: null, finalUrl: `${base}/flaky` } });
  });
});

describe("Ctrl-C during kmcp acquire", () => {
  /** A page that sends half its body, then stalls until the client goes away; `started` resolves once the half is out. */
  function stallingPage(body: string, etag: string) {
    let started!: () => void;
    let closed!: () => void;
    const state = { started: new Promise<void>((resolve) => (started = resolve)), closed: new Promise<void>((resolve) => (closed = resolve)) };
    const handler: Handler = (_req, res) => {
      res.writeHead(200, { "content-type": "text/html; charset=utf-8", etag });
      res.write(body.slice(0, body.length / 2), () => started());
      res.on("close", () => closed());
    };
    return { handler, ...state };
  }

  /** Runs `kmcp acquire <url>`, sends it SIGINT (what Ctrl-C sends) once `started` resolves, and waits for it to end. */
  async function interruptedAcquire(url: string, started: Promise<void>) {
    const child = spawn(process.execPath, [bin, "acquire", url], { env: { ...process.env, NO_COLOR: "1", KMCP_LOG_LEVEL: "warn", ...allow }, stdio: "ignore" });
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on("exit", (code, signal) => resolve({ code, signal })));
    await Promise.race([started, exited.then((end) => Promise.reject(new Error(`kmcp acquire ended before the body stalled: ${JSON.stringify(end)}`)))]);
    child.kill("SIGINT");
    return exited;
  }

  it("leaves a new url without a source and an existing one as it was, and the next run completes", async () => {
    const chunksBefore = await store.chunks.count();
    const fresh = page("Lighthouse lenses", paragraphs(`The Fresnel lens of the lighthouse bends the lamp's light into a beam. ${"Each prism ring is polished by hand. ".repeat(40)}`));
    const stalled = stallingPage(fresh, '"l1"');
    routes.set("/lenses", stalled.handler);
    expect(await interruptedAcquire(`${base}/lenses`, stalled.started)).toEqual({ code: null, signal: "SIGINT" });
    await stalled.closed;
    expect(await sourceOf("/lenses")).toBeNull();
    expect(await store.chunks.count()).toBe(chunksBefore);

    // An existing source: v1 acquired, then a changed v2 interrupted mid-body.
    routes.set("/keepers", html(page("Lighthouse keepers", paragraphs("The keeper winds the clockwork of the rotating optic every four hours through the night.")), {}, '"k1"'));
    const v1 = await acquire("/keepers");
    const before = await sourceOf("/keepers");
    const v1Chunks = await store.chunks.ofSource(v1.sourceId);
    const changed = stallingPage(page("Lighthouse keepers", paragraphs(`Automation retired the last keepers, and a sensor now starts the foghorn. ${"Remote monitoring reports each failure. ".repeat(40)}`)), '"k2"');
    routes.set("/keepers", changed.handler);
    expect(await interruptedAcquire(`${base}/keepers`, changed.started)).toEqual({ code: null, signal: "SIGINT" });
    await changed.closed;
    expect(await sourceOf("/keepers")).toEqual(before);
    expect(await store.chunks.ofSource(v1.sourceId)).toEqual(v1Chunks);
    expect((await search("keeper", "winds", "clockwork"))[0]?.source.url).toBe(`${base}/keepers`);

    // The next runs complete: the new url is added, the changed one replaced.
    routes.set("/lenses", html(fresh, {}, '"l1"'));
    expect(await acquire("/lenses")).toMatchObject({ outcome: "added" });
    expect((await search("Fresnel", "prism", "ring"))[0]?.source.url).toBe(`${base}/lenses`);
    routes.set("/keepers", html(page("Lighthouse keepers", paragraphs("Automation retired the last keepers, and a sensor now starts the foghorn.")), {}, '"k2"'));
    expect(await acquire("/keepers")).toMatchObject({ outcome: "replaced", sourceId: v1.sourceId });
    expect((await search("sensor", "foghorn", "automation"))[0]?.source.url).toBe(`${base}/keepers`);
    expect(await sourceOf("/keepers")).toMatchObject({ status: "active" });
  });
});
