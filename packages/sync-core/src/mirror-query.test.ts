import type { MirrorRecord } from "@kmcp/chroma-store";
import { encodeSourceCursor, SourceListQuerySchema } from "@kmcp/db";
import { describe, expect, it } from "vitest";
import { pageMirrorRecords } from "./mirror-query.js";

const record = (url: string, title = url): MirrorRecord => ({
  id: url,
  url,
  title,
  sourceType: "blog",
  status: "active",
  authorityTier: "tier_2_trusted",
  description: null,
  updatedAt: 1,
  lastCrawledAt: null,
  syncedAt: 1,
});
const q = (input: object) => SourceListQuerySchema.parse(input);

describe("pageMirrorRecords", () => {
  const records = ["https://b.test/", "https://a.test/Z", "https://a.test/a", "https://a.test/_"].map((u) => record(u));

  it("orders by url bytes and pages with the same cursor PostgreSQL uses", () => {
    const first = pageMirrorRecords(records, q({ limit: 2 }));
    expect(first.items.map((r) => r.url)).toEqual(["https://a.test/Z", "https://a.test/_"]);
    expect(first.nextCursor).toBe(encodeSourceCursor("https://a.test/_"));
    const second = pageMirrorRecords(records, q({ limit: 2, cursor: first.nextCursor }));
    expect(second.items.map((r) => r.url)).toEqual(["https://a.test/a", "https://b.test/"]);
    expect(second.nextCursor).toBeNull();
  });

  it("matches text in title or url, case-insensitively and literally", () => {
    const withTitles = [record("https://x.test/", "Deep Learning"), record("https://learn.test/", "Other"), record("https://y.test/", "50% off")];
    expect(pageMirrorRecords(withTitles, q({ query: "LEARN" })).items).toHaveLength(2);
    expect(pageMirrorRecords(withTitles, q({ query: "%" })).items.map((r) => r.title)).toEqual(["50% off"]);
  });
});
