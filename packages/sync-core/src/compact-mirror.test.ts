import type { MirrorRecord } from "@kmcp/chroma-store";
import { encodeSourceCursor, SourceListQuerySchema } from "@kmcp/core";
import { describe, expect, it } from "vitest";
import { mirrorRecord as record } from "./mirror-record.fixture.js";
import { compactMirrorOf, createCompactMirrorBuilder } from "./compact-mirror.js";

const q = (input: object) => SourceListQuerySchema.parse(input);
const byUrl = (a: MirrorRecord, b: MirrorRecord) => (a.url < b.url ? -1 : a.url > b.url ? 1 : 0);

describe("compact mirror pages", () => {
  const mirror = compactMirrorOf(["https://b.test/", "https://a.test/Z", "https://a.test/a", "https://a.test/_"].map((u) => record(u)));

  it("orders by url bytes and pages with the same cursor PostgreSQL uses", () => {
    const first = mirror.page(q({ limit: 2 }));
    expect(first.items.map((r) => r.url)).toEqual(["https://a.test/Z", "https://a.test/_"]);
    expect(first.nextCursor).toBe(encodeSourceCursor("https://a.test/_"));
    const second = mirror.page(q({ limit: 2, cursor: first.nextCursor }));
    expect(second.items.map((r) => r.url)).toEqual(["https://a.test/a", "https://b.test/"]);
    expect(second.nextCursor).toBeNull();
  });

  it("matches the text filter case-insensitively and literally, like ILIKE with escaping", () => {
    const withTitles = compactMirrorOf([record("https://x.test/1", "Learn TS"), record("https://x.test/2", "learning"), record("https://x.test/3", "50% off")]);
    expect(withTitles.page(q({ query: "LEARN" })).items).toHaveLength(2);
    expect(withTitles.page(q({ query: "%" })).items.map((r) => r.title)).toEqual(["50% off"]);
    expect(withTitles.count(q({ query: "x.TEST/3" }))).toBe(1);
  });

  it("agrees with filter-sort-slice for random records, filters and cursors (including cursors between and past the urls)", () => {
    let seed = 7;
    const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) % n);
    const types = ["blog", "website", "documentation"] as const;
    const records = Array.from({ length: 300 }, (_, i) => ({
      ...record(`https://r${rand(1000)}-${i}.test/`, i % 7 === 0 ? "Special" : "plain"),
      sourceType: types[rand(3)]!,
    }));
    const random = compactMirrorOf(records);
    const sorted = [...records].sort(byUrl);
    for (let trial = 0; trial < 200; trial++) {
      const query = q({
        limit: 1 + rand(40),
        ...(rand(2) ? { sourceType: types[rand(3)] } : {}),
        ...(rand(3) === 0 ? { query: "special" } : {}),
        ...(rand(2) ? { cursor: encodeSourceCursor(`https://r${rand(1100)}`) } : {}),
      });
      const after = query.cursor ? JSON.parse(Buffer.from(query.cursor, "base64url").toString())[0] : "";
      const matching = sorted.filter((r) => (!query.sourceType || r.sourceType === query.sourceType) && (!query.query || r.title.toLowerCase().includes("special")));
      const expected = matching.filter((r) => r.url > after);
      const page = random.page(query);
      expect(page.items).toEqual(expected.slice(0, query.limit));
      expect(page.nextCursor).toBe(expected.length > query.limit ? encodeSourceCursor(expected[query.limit - 1]!.url) : null);
      expect(random.count(query)).toBe(matching.length);
    }
  });
});

describe("compact mirror records", () => {
  const full: MirrorRecord = {
    id: "c0ffee00-0000-4000-8000-000000000001",
    url: "https://ü.test/straße",
    title: "Ünïcode — title",
    sourceType: "standards_body",
    status: "archived",
    authorityTier: "tier_3_community",
    description: "",
    updatedAt: 1_790_000_000_123,
    lastCrawledAt: 1_780_000_000_000,
    syncedAt: 1_790_000_000_456,
  };

  it("gives back every field as it was added, by id and by url (empty and null values kept apart)", () => {
    const other = { ...record("https://a.test/"), description: "About a", lastCrawledAt: 0 };
    const mirror = compactMirrorOf([full, other]);
    expect(mirror.size).toBe(2);
    expect(mirror.getById(full.id)).toEqual(full);
    expect(mirror.getByUrl(full.url)).toEqual(full);
    expect(mirror.getById(other.id)).toEqual(other);
    expect(mirror.getByUrl("https://a.test/")).toEqual(other);
    expect(mirror.page(q({})).items).toEqual([other, full]);
    expect(mirror.getById("missing")).toBeUndefined();
    expect(mirror.getByUrl("https://a.test")).toBeUndefined();
    expect(mirror.getByUrl("https://a.test/x")).toBeUndefined();
  });

  it("finds every record by id and url among many, with ids of any length", () => {
    const records = Array.from({ length: 1000 }, (_, i) => ({ ...record(`https://many.test/${(i * 7919) % 1000}`), id: `id-${i}`.repeat(1 + (i % 3)) }));
    const mirror = compactMirrorOf(records);
    for (const r of records) {
      expect(mirror.getById(r.id)).toEqual(r);
      expect(mirror.getByUrl(r.url)).toEqual(r);
    }
  });

  it("keeps a record read twice once (its newest write), and answers a url with its newest record", () => {
    const mirror = compactMirrorOf([
      { ...record("https://dup.test/"), id: "same", title: "older", syncedAt: 1 },
      { ...record("https://dup.test/"), id: "same", title: "newer", syncedAt: 2 },
      { ...record("https://stale.test/"), id: "old-id", updatedAt: 5 },
      { ...record("https://stale.test/"), id: "new-id", updatedAt: 9 },
    ]);
    expect(mirror.size).toBe(3);
    expect(mirror.getById("same")?.title).toBe("newer");
    expect(mirror.getByUrl("https://stale.test/")?.id).toBe("new-id");
  });

  it("counts records by kind, and grows past the size it was told to expect", () => {
    const builder = createCompactMirrorBuilder(1);
    for (let i = 0; i < 3000; i++) builder.add({ ...record(`https://k.test/${i}`), status: i % 3 === 0 ? "failed" : "active" });
    builder.add(full);
    const kinds = builder.build().kindCounts();
    expect(kinds.sort((a, b) => a.n - b.n)).toEqual([
      { sourceType: "standards_body", authorityTier: "tier_3_community", status: "archived", n: 1 },
      { sourceType: "blog", authorityTier: "tier_2_trusted", status: "failed", n: 1000 },
      { sourceType: "blog", authorityTier: "tier_2_trusted", status: "active", n: 2000 },
    ]);
  });
});
