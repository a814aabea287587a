import { toMirrorRecord, type MirrorRecord } from "@kmcp/chroma-store";
import type { Source } from "@kmcp/core";
import type { SourceChange } from "@kmcp/db";
import { describe, expect, it } from "vitest";
import { planBatch } from "./plan-batch.js";

const source = (id: string, title = `Title ${id}`): Source => ({
  id,
  url: `https://${id}.test/`,
  title,
  sourceType: "blog",
  status: "active",
  authorityTier: "tier_2_trusted",
  description: null,
  createdAt: new Date(1000),
  updatedAt: new Date(2000),
  lastCrawledAt: null,
});
const mirrored = (s: Source): MirrorRecord => ({ ...toMirrorRecord(s), description: null, lastCrawledAt: null, syncedAt: 5 }) as MirrorRecord;

describe("planBatch", () => {
  it("writes new and changed sources, skips identical ones, deletes only what the mirror holds", () => {
    const same = source("a");
    const changed = source("b", "New title");
    const added = source("c");
    const changes: SourceChange[] = [
      { kind: "upsert", source: same },
      { kind: "upsert", source: changed },
      { kind: "upsert", source: added },
      { kind: "delete", id: "d", url: "https://d.test/", deletedAt: new Date() },
      { kind: "delete", id: "e", url: "https://e.test/", deletedAt: new Date() },
    ];
    const mirror = new Map([
      ["a", mirrored(same)],
      ["b", mirrored(source("b", "Old title"))],
      ["d", mirrored(source("d"))],
    ]);
    const plan = planBatch(changes, mirror);
    expect(plan.upserts.map((r) => r.id)).toEqual(["b", "c"]);
    expect(plan.deletes).toEqual(["d"]);
    expect(plan.unchanged).toBe(2);
  });

  it("treats a record that differs in any mirrored field as drifted", () => {
    const s = source("a");
    for (const drift of [{ url: "https://x.test/" }, { status: "archived" }, { authorityTier: "tier_1_canonical" }, { description: "x" }, { updatedAt: 1 }, { lastCrawledAt: 7 }]) {
      const plan = planBatch([{ kind: "upsert", source: s }], new Map([["a", { ...mirrored(s), ...drift } as MirrorRecord]]));
      expect(plan.upserts).toHaveLength(1);
    }
  });
});

describe("changedIds", () => {
  it("lists every id, or only deleted ones", async () => {
    const { changedIds } = await import("./plan-batch.js");
    const changes: SourceChange[] = [
      { kind: "upsert", source: source("a") },
      { kind: "delete", id: "b", url: "https://b.test/", deletedAt: new Date() },
    ];
    expect(changedIds(changes)).toEqual(["a", "b"]);
    expect(changedIds(changes, { deletesOnly: true })).toEqual(["b"]);
  });
});
