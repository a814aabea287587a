import type { Source } from "@kmcp/core";
import type { ChangePage } from "@kmcp/db";
import { describe, expect, it } from "vitest";
import { changeTime, createMirrorLagSource } from "./mirror-lag.js";

const updatedAt = new Date("2026-11-26T10:00:00Z");
const source = { id: "s1", url: "https://a.example.test/", updatedAt } as Source;

describe("the mirror's lag", () => {
  it("dates a change by its source's update, or by its deletion", () => {
    expect(changeTime({ kind: "upsert", source })).toEqual(updatedAt);
    const deletedAt = new Date("2026-11-26T11:00:00Z");
    expect(changeTime({ kind: "delete", id: "s1", url: source.url, deletedAt })).toEqual(deletedAt);
  });

  it("reads the first change after the stored checkpoint, or null when there is none", async () => {
    const asked: unknown[] = [];
    const page = (changes: ChangePage["changes"]): ChangePage => ({ changes, checkpoint: "9:x", hasMore: false, heldBack: false });
    let next = page([{ kind: "upsert", source }]);
    const lag = createMirrorLagSource({ readCheckpoint: async () => "7:abc", changes: { read: async (q) => (asked.push(q), next) } });
    expect(await lag.oldestUnsyncedChange()).toEqual(updatedAt);
    expect(asked).toEqual([{ after: "7:abc", limit: 1 }]);
    next = page([]);
    expect(await lag.oldestUnsyncedChange()).toBeNull();
  });
});
