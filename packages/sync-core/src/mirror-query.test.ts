import type { MirrorRecord } from "@kmcp/chroma-store";
import { encodeSourceCursor, SourceListQuerySchema } from "@kmcp/core";
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

describe("pageSortedMirrorRecords agrees with filter-sort-slice", () => {
  it("for random records, filters and cursors (including cursors between and past the urls)", async () => {
    const { pageSortedMirrorRecords, byUrl } = await import("./mirror-query.js");
    let seed = 7;
    const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) % n);
    const types = ["blog", "website", "documentation"] as const;
    const records = Array.from({ length: 300 }, (_, i) => ({
      ...record(`https://r${rand(1000)}-${i}.test/`, i % 7 === 0 ? "Special" : "plain"),
      sourceType: types[rand(3)]!,
    })).sort(byUrl);
    for (let trial = 0; trial < 200; trial++) {
      const query = q({
        limit: 1 + rand(40),
        ...(rand(2) ? { sourceType: types[rand(3)] } : {}),
        ...(rand(3) === 0 ? { query: "special" } : {}),
        ...(rand(2) ? { cursor: encodeSourceCursor(`https://r${rand(1100)}`) } : {}),
      });
      const after = query.cursor ? JSON.parse(Buffer.from(query.cursor, "base64url").toString())[0] : "";
      const expected = records.filter((r) => r.url > after && (!query.sourceType || r.sourceType === query.sourceType) && (!query.query || r.title.toLowerCase().includes("special")));
      const page = pageSortedMirrorRecords(records, query);
      expect(page.items).toEqual(expected.slice(0, query.limit));
      expect(page.nextCursor).toBe(expected.length > query.limit ? encodeSourceCursor(expected[query.limit - 1]!.url) : null);
    }
  });
});
