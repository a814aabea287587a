import type { AcquireOptions, PreflightResult } from "@kmcp/runtime";
import type { ProgressNotification } from "@modelcontextprotocol/sdk/types.js";
import { afterEach, describe, expect, it } from "vitest";
import { call, closeClients, connect, fakeKmcp, text } from "../test/in-process.js";
import { TOOL_NAMES } from "../test/tool-names.js";

const SOURCE_ID = "7d3f1b2a-4c5e-4f60-8a9b-0c1d2e3f4a5b";
const URL_ = "https://docs.example.test/guide";
const NOW = new Date("2026-11-25T12:00:00.000Z");

const preflightResult = (over: Partial<PreflightResult> = {}): PreflightResult => ({
  url: URL_,
  allowed: true,
  reachable: true,
  reason: null,
  probe: { finalUrl: URL_, redirects: [], status: 200, method: "HEAD", contentType: "text/html", contentLength: 1234, supported: true },
  source: { id: SOURCE_ID, title: "Guide", status: "active", url: URL_ },
  origin: "primary",
  asOf: null,
  action: "update",
  ...over,
});
const acquired = { url: URL_, finalUrl: URL_, redirects: [], sourceId: SOURCE_ID, sourceCreated: true, title: "Guide", outcome: "added" as const, kind: "html" as const, chunks: 3, sync: {} };

afterEach(closeClients);

describe("knowledge_preflight", () => {
  it("says what acquiring would do, read-only and open-world", async () => {
    const client = await connect(fakeKmcp({ preflight: async () => preflightResult() }));
    const tool = (await client.listTools()).tools.find((t) => t.name === "knowledge_preflight");
    expect(tool?.annotations).toMatchObject({ readOnlyHint: true, openWorldHint: true });
    const result = await call(client, "knowledge_preflight", { url: URL_ });
    expect(result.structuredContent).toMatchObject({ allowed: true, action: "update", source: { id: SOURCE_ID }, probe: { contentLength: 1234 } });
    expect(text(result)).toContain(`would update source ${SOURCE_ID}`);
  });

  it("renders a mirror answer with its note, and gives the refusal's reason", async () => {
    const refused = preflightResult({ allowed: false, reachable: null, reason: "Refused: a loopback address.", probe: null, source: null, action: "refuse", origin: "mirror", asOf: NOW });
    const client = await connect(fakeKmcp({ preflight: async () => refused }));
    const result = await call(client, "knowledge_preflight", { url: URL_ });
    expect(result.structuredContent).toMatchObject({ allowed: false, action: "refuse", origin: "mirror" });
    expect(text(result)).toMatch(/would be refused: Refused: a loopback address\.[\s\S]*offline mirror/);
  });

  it("returns a bad url as isError with one sentence", async () => {
    const client = await connect(fakeKmcp({ preflight: async () => Promise.reject(new Error('"nope" is not a URL kmcp can store.')) }));
    expect(await call(client, "knowledge_preflight", { url: "nope" })).toMatchObject({ isError: true, content: [{ text: '"nope" is not a URL kmcp can store.' }] });
  });
});

describe("knowledge_acquire", () => {
  it("is not listed unless the operator allows it", async () => {
    const off = await connect(fakeKmcp({}));
    expect((await off.listTools()).tools.map((t) => t.name).sort()).toEqual(TOOL_NAMES);
    const on = await connect(fakeKmcp({}), { allowAcquire: true });
    const tool = (await on.listTools()).tools.find((t) => t.name === "knowledge_acquire");
    expect(tool?.annotations).toMatchObject({ readOnlyHint: false, idempotentHint: true, openWorldHint: true });
  });

  it("acquires with the given options and reports each step when asked for progress", async () => {
    const seen: AcquireOptions[] = [];
    const acquire = async (_url: string, options: AcquireOptions) => {
      seen.push(options);
      for (const step of ["fetched", "extracted", "ingested", "synced"] as const) await options.onStep?.(step);
      return acquired;
    };
    const client = await connect(fakeKmcp({ acquire }), { allowAcquire: true });
    const progress: ProgressNotification["params"][] = [];
    const result = await client.callTool({ name: "knowledge_acquire", arguments: { url: URL_, authorityTier: "tier_1_canonical" } }, undefined, {
      onprogress: (p) => void progress.push(p as ProgressNotification["params"]),
    });
    expect(result.structuredContent).toMatchObject({ sourceId: SOURCE_ID, outcome: "added", chunks: 3, synced: true });
    expect(seen[0]).toMatchObject({ authorityTier: "tier_1_canonical" });
    expect(progress.map((p) => [p.progress, p.total, p.message])).toEqual([
      [1, 4, "fetched the document"],
      [2, 4, "extracted its text"],
      [3, 4, "stored its chunks"],
      [4, 4, "made it searchable"],
    ]);
  });

  it("returns a failed fetch as isError with one sentence", async () => {
    const client = await connect(fakeKmcp({ acquire: async () => Promise.reject(new Error(`${URL_} answered HTTP 404.`)) }), { allowAcquire: true });
    expect(await call(client, "knowledge_acquire", { url: URL_ })).toMatchObject({ isError: true, content: [{ text: `${URL_} answered HTTP 404.` }] });
  });
});
