import type { ToolCallObservation } from "@kmcp/metrics";
import type { AuthInfo } from "@modelcontextprotocol/sdk/server/auth/types.js";
import { afterEach, describe, expect, it } from "vitest";
import { call, closeClients, connect, fakeKmcp, text } from "../test/in-process.js";
import { callWrites, writeRefusal } from "./tool-calls.js";

const token = (scopes: string[]): AuthInfo => ({ token: "t", clientId: "c", scopes, expiresAt: Date.now() / 1000 + 60 });

describe("which calls write", () => {
  it.each([
    ["knowledge_sources", { readOnlyHint: true }, {}, false],
    ["knowledge_preflight", { readOnlyHint: true, openWorldHint: true }, {}, false],
    ["knowledge_request", { readOnlyHint: false }, {}, true],
    ["knowledge_acquire", { readOnlyHint: false, openWorldHint: true }, {}, true],
    ["knowledge_sync", { readOnlyHint: false }, { action: "status" }, false],
    ["knowledge_sync", { readOnlyHint: false }, { action: "run", mode: "full" }, true],
    ["a_new_tool_without_annotations", undefined, {}, true],
  ])("%s %j %j → %s", (tool, annotations, args, writes) => {
    expect(callWrites(tool, annotations, args)).toBe(writes);
  });

  it("refuses a write only to a token without the write scope, and only when one is configured", () => {
    expect(writeRefusal("knowledge_request", true, token(["kmcp:read"]), "kmcp:write")).toContain('needs the scope "kmcp:write"');
    expect(writeRefusal("knowledge_request", true, token(["kmcp:read", "kmcp:write"]), "kmcp:write")).toBeUndefined();
    expect(writeRefusal("knowledge_request", true, token([]), undefined)).toBeUndefined();
    expect(writeRefusal("knowledge_request", true, undefined, "kmcp:write")).toBeUndefined();
    expect(writeRefusal("knowledge_sources", false, token([]), "kmcp:write")).toBeUndefined();
  });
});

describe("every tool call, hooked", () => {
  afterEach(closeClients);
  const source = { id: "7d3f1b2a-4c5e-4f60-8a9b-0c1d2e3f4a5b", url: "https://docs.example.test/", title: "Docs", sourceType: "documentation", status: "active", authorityTier: "tier_1_canonical", description: null, updatedAt: new Date(), lastCrawledAt: null };
  const created: unknown[] = [];
  const kmcp = fakeKmcp({
    catalog: { list: async () => ({ items: [source], nextCursor: null, origin: "mirror", asOf: new Date() }) },
    requests: { create: async (input: unknown) => (created.push(input), Promise.reject(new Error("unreachable in this test"))) },
  });

  it("is timed by tool, origin and outcome", async () => {
    const calls: ToolCallObservation[] = [];
    const client = await connect(kmcp, { toolCalls: { observe: (c) => calls.push(c) } });
    await call(client, "knowledge_sources");
    await call(client, "knowledge_request", { url: "https://a.example.test/", reason: "r" });
    expect(calls).toEqual([
      { tool: "knowledge_sources", origin: "mirror", outcome: "ok", seconds: expect.any(Number) },
      { tool: "knowledge_request", origin: "none", outcome: "error", seconds: expect.any(Number) },
    ]);
    expect(calls[0]!.seconds).toBeGreaterThan(0);
  });

  it("refuses a write tool to a token without the write scope, before the tool runs; reads still work", async () => {
    created.length = 0;
    const calls: ToolCallObservation[] = [];
    const client = await connect(kmcp, { toolCalls: { writeScope: "kmcp:write", observe: (c) => calls.push(c) }, authInfo: token(["kmcp:read"]) });
    const refused = await call(client, "knowledge_request", { url: "https://a.example.test/", reason: "r" });
    expect(refused.isError).toBe(true);
    expect(text(refused)).toMatch(/^Refused: knowledge_request changes the knowledge base, so it needs the scope "kmcp:write"/);
    expect(created).toEqual([]);
    const run = await call(client, "knowledge_sync", { action: "run" });
    expect(text(run)).toMatch(/^Refused: knowledge_sync/);
    expect((await call(client, "knowledge_sources")).isError).toBeFalsy();
    expect(calls.map((c) => `${c.tool} ${c.outcome}`)).toEqual(["knowledge_request refused", "knowledge_sync refused", "knowledge_sources ok"]);
  });

  it("lets a token with the write scope through to the tool", async () => {
    created.length = 0;
    const client = await connect(kmcp, { toolCalls: { writeScope: "kmcp:write" }, authInfo: token(["kmcp:write"]) });
    const result = await call(client, "knowledge_request", { url: "https://a.example.test/", reason: "r" });
    expect(text(result)).toContain("unreachable in this test");
    expect(created).toHaveLength(1);
  });
});
