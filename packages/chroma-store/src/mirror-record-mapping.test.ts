import { describe, expect, it } from "vitest";
import { ChromaStoreError } from "./errors.js";
import type { MirrorRecord } from "./mirror-record.js";
import { fromChromaMetadata, toChromaMetadata } from "./mirror-record-mapping.js";

const record: MirrorRecord = {
  id: "6c1f0f4e-0000-4000-8000-000000000001",
  url: "https://example.com/docs",
  title: "Example docs",
  sourceType: "documentation",
  status: "active",
  authorityTier: "tier_1_canonical",
  description: null,
  updatedAt: 1_700_000_000_123,
  lastCrawledAt: null,
  syncedAt: 1_700_000_100_000,
};

describe("mirror record <-> Chroma metadata", () => {
  it("stores every field but the id, nulls as placeholders, and only Chroma-storable values", () => {
    const metadata = toChromaMetadata(record);
    expect(metadata).not.toHaveProperty("id");
    expect(metadata).toMatchObject({ url: record.url, updatedAt: record.updatedAt, description: "", lastCrawledAt: 0 });
    for (const value of Object.values(metadata)) expect(["string", "number", "boolean"]).toContain(typeof value);
  });

  it("reads back the same record, nulls included", () => {
    expect(fromChromaMetadata(record.id, toChromaMetadata(record), "c")).toEqual(record);
    const full = { ...record, description: "about", lastCrawledAt: 1_700_000_000_000 };
    expect(fromChromaMetadata(full.id, toChromaMetadata(full), "c")).toEqual(full);
  });

  it("refuses metadata it did not write with a CORRUPT error naming the record and fields", () => {
    const read = () => fromChromaMetadata("x1", { url: "https://a", title: 3, sourceType: "podcast" }, "kmcp_sources_metadata");
    expect(read).toThrow(ChromaStoreError);
    try {
      read();
    } catch (error) {
      const e = error as ChromaStoreError;
      expect(e.code).toBe("CORRUPT");
      expect(e.message).toContain('"x1"');
      expect(e.message).toContain("kmcp_sources_metadata");
      expect(e.message).toMatch(/title/);
      expect(e.message).toMatch(/sourceType/);
    }
    expect(() => fromChromaMetadata("x2", null, "c")).toThrow(/not a kmcp source record/);
    // Written without the null list, a record with a missing nullable field is not ours either.
    const { kmcp_nulls: _nulls, ...withoutNullList } = toChromaMetadata(record);
    expect(() => fromChromaMetadata("x3", withoutNullList, "c")).toThrow(/kmcp_nulls: missing/);
  });
});
