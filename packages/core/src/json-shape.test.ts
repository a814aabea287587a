import { describe, expect, it } from "vitest";
import { z } from "zod";
import { SourceSchema, SyncStateSchema } from "./domain.js";
import { jsonShape } from "./json-shape.js";

describe("jsonShape", () => {
  it("turns every Date into an ISO string, nullables and nesting kept", () => {
    const json = jsonShape(SourceSchema);
    const source = { id: "1", url: "https://a.dev/", title: "A", sourceType: "blog", status: "active", authorityTier: "tier_2_trusted", description: null };
    expect(json.safeParse({ ...source, createdAt: "2026-01-01T00:00:00.000Z", updatedAt: "2026-01-01T00:00:00.000Z", lastCrawledAt: null }).success).toBe(true);
    expect(json.safeParse({ ...source, createdAt: new Date(), updatedAt: "x", lastCrawledAt: null }).success).toBe(false);
    expect(jsonShape(z.object({ at: z.array(z.object({ when: z.date().optional() })) })).safeParse({ at: [{ when: "t" }, {}] }).success).toBe(true);
  });

  it("keeps the other fields' rules", () => {
    const state = jsonShape(SyncStateSchema);
    const synced = {
      status: "synced",
      isOnline: true,
      lastSyncAt: "2026-01-01T00:00:00.000Z",
      lastSuccessAt: null,
      lastMode: "full",
      counts: { upserted: 1, deleted: 0, unchanged: 0 },
      durationMs: 5,
      mirrorSize: 1,
      error: null,
      lease: { holder: "kmcp-mcp pid 1 on a", since: "2026-01-01T00:00:00.000Z", expiresAt: "2026-01-01T00:00:03.000Z", self: false },
      trigger: { mode: "polling", configured: "push", reason: "LISTEN failed", intervalMs: 30_000, waitingFor: null },
    };
    expect(state.safeParse(synced).success).toBe(true);
    expect(state.safeParse({ ...synced, status: "nonsense" }).success).toBe(false);
    expect(state.safeParse({ ...synced, lastMode: "sideways" }).success).toBe(false);
    expect(state.safeParse({ ...synced, lease: { ...synced.lease, since: new Date() } }).success).toBe(false);
  });
});
