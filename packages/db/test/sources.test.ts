import { beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../src/index.js";
import { caught, migratedDb, sourceInput, tableCounts } from "./helpers.js";

let db: Db;
beforeAll(async () => {
  db = await migratedDb();
});

describe("sources repository", () => {
  it("creates a source with defaults and a normalised url", async () => {
    const source = await db.sources.create(sourceInput({ url: "HTTPS://Docs.Example.COM:443/Guide/#top", title: "  Guide  " }));
    expect(source).toMatchObject({ url: "https://docs.example.com/Guide", title: "Guide", status: "pending", description: null });
    expect(source.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(source.createdAt).toBeInstanceOf(Date);
    expect(source).not.toHaveProperty("changeTxid");
  });

  it("gets by id, by url and by any spelling of the url", async () => {
    const source = await db.sources.create(sourceInput({ url: "https://get.example.test/a/" }));
    expect((await db.sources.get(source.id))?.id).toBe(source.id);
    expect((await db.sources.get("https://get.example.test/a"))?.id).toBe(source.id);
    expect((await db.sources.get("HTTPS://GET.example.test:443/a/#frag"))?.id).toBe(source.id);
    expect(await db.sources.get("https://get.example.test/missing")).toBeNull();
    expect(await db.sources.get("00000000-0000-4000-8000-000000000000")).toBeNull();
  });

  it("gets a batch by url in one call: keyed by the normalised url, unknown urls absent, a bad url refused", async () => {
    const a = await db.sources.create(sourceInput({ url: "https://batch.example.test/a" }));
    const b = await db.sources.create(sourceInput({ url: "https://batch.example.test/b" }));
    const found = await db.sources.getByUrls(["HTTPS://BATCH.example.test:443/a/#x", "https://batch.example.test/b", "https://batch.example.test/missing", "https://batch.example.test/b"]);
    expect([...found.keys()].sort()).toEqual([a.url, b.url]);
    expect(found.get(a.url)).toEqual(a);
    expect(found.get(b.url)?.id).toBe(b.id);
    expect((await db.sources.getByUrls([])).size).toBe(0);
    expect(await caught(() => db.sources.getByUrls(["not a url"]))).toMatchObject({ code: "VALIDATION" });
  });

  it("tells which ids name a source now, in the spelling asked; ids that are not UUIDs name none", async () => {
    const kept = await db.sources.create(sourceInput({ url: "https://exists.example.test/kept" }));
    const gone = await db.sources.create(sourceInput({ url: "https://exists.example.test/gone" }));
    await db.sources.delete(gone.id);
    const asked = [kept.id, kept.id.toUpperCase(), gone.id, "00000000-0000-0000-0000-000000000000", "not-a-uuid", ""];
    expect(await db.sources.existingIds(asked)).toEqual(new Set([kept.id, kept.id.toUpperCase()]));
    expect(await db.sources.existingIds([])).toEqual(new Set());
  });

  it("rejects a duplicate url, however it is spelled, and writes nothing", async () => {
    const first = await db.sources.create(sourceInput({ url: "https://dup.example.test/x" }));
    const before = await tableCounts(db);
    const error = await caught(() => db.sources.create(sourceInput({ url: "HTTPS://DUP.example.test/x/#y" })));
    expect(error.code).toBe("CONFLICT");
    expect(error.message).toContain(first.id);
    expect(await tableCounts(db)).toEqual(before);
  });

  it.each([
    ["an invalid URL", { url: "not a url" }, "url"],
    ["a non-http URL", { url: "javascript:alert(1)" }, "url"],
    ["an unknown source type", { sourceType: "podcast" }, "sourceType"],
    ["an unknown tier", { authorityTier: "tier_9" }, "authorityTier"],
    ["an unknown status", { status: "deleted" }, "status"],
    ["a 10 kB title", { title: "t".repeat(10_240) }, "title"],
    ["an empty title", { title: "   " }, "title"],
    ["a title with control characters", { title: "bad\u0007title" }, "title"],
    ["an unknown field", { colour: "red" }, "colour"],
  ])("rejects %s with a VALIDATION error and writes nothing", async (_what, patch, field) => {
    const before = await tableCounts(db);
    const error = await caught(() => db.sources.create({ ...sourceInput(), ...patch } as never));
    expect(error.code).toBe("VALIDATION");
    expect(error.message).toContain(field);
    expect(await tableCounts(db)).toEqual(before);
  });

  it("updates fields, re-normalises a new url, and rejects a taken one", async () => {
    const a = await db.sources.create(sourceInput());
    const b = await db.sources.create(sourceInput());
    const updated = await db.sources.update(a.id, { title: "Renamed", description: "About it", url: "https://renamed.example.test/" });
    expect(updated).toMatchObject({ title: "Renamed", description: "About it", url: "https://renamed.example.test/" });
    expect(updated.updatedAt.getTime()).toBeGreaterThanOrEqual(a.updatedAt.getTime());
    const cleared = await db.sources.update(a.id, { description: null });
    expect(cleared.description).toBeNull();
    const conflict = await caught(() => db.sources.update(b.id, { url: "https://renamed.example.test" }));
    expect(conflict.code).toBe("CONFLICT");
    expect((await db.sources.get(b.id))?.url).toBe(b.url);
  });

  it("upserts by url: creates, then updates only what differs, then changes nothing", async () => {
    const input = sourceInput({ url: "https://upsert.example.test/a", description: "first" });
    const created = await db.sources.upsert(input);
    expect(created.outcome).toBe("created");
    await db.sources.update(created.source.id, { status: "active" });
    const before = await tableCounts(db);
    const same = await db.sources.upsert({ ...input, url: "HTTPS://UPSERT.example.test/a/" });
    expect(same).toMatchObject({ outcome: "unchanged", source: { id: created.source.id, status: "active" } });
    const changed = await db.sources.upsert({ ...input, title: "Retitled" });
    expect(changed).toMatchObject({ outcome: "updated", source: { id: created.source.id, title: "Retitled", status: "active", description: "first" } });
    expect(await tableCounts(db)).toEqual(before);
    expect((await caught(() => db.sources.upsert({ ...input, sourceType: "zine" as never }))).code).toBe("VALIDATION");
  });

  it("reports unknown ids and empty patches clearly", async () => {
    const missing = "00000000-0000-4000-8000-000000000001";
    expect((await caught(() => db.sources.update(missing, { title: "x" }))).code).toBe("NOT_FOUND");
    expect((await caught(() => db.sources.archive(missing))).code).toBe("NOT_FOUND");
    expect((await caught(() => db.sources.delete(missing))).code).toBe("NOT_FOUND");
    expect((await caught(() => db.sources.delete("not-an-id"))).code).toBe("VALIDATION");
    const a = await db.sources.create(sourceInput());
    const empty = await caught(() => db.sources.update(a.id, {}));
    expect(empty.code).toBe("VALIDATION");
    expect(empty.message).toContain("at least one field");
  });

  it("archives (the source stays) and deletes (it is gone, a tombstone stays)", async () => {
    const a = await db.sources.create(sourceInput());
    expect((await db.sources.archive(a.id)).status).toBe("archived");
    expect((await db.sources.get(a.id))?.status).toBe("archived");
    await db.sources.delete(a.id);
    expect(await db.sources.get(a.id)).toBeNull();
    const tombstone = await db.prisma.sourceTombstone.findUnique({ where: { sourceId: a.id } });
    expect(tombstone?.url).toBe(a.url);
    // The url is free again for a new source.
    const again = await db.sources.create(sourceInput({ url: a.url }));
    expect(again.id).not.toBe(a.id);
  });
});

describe("listing sources", () => {
  let listDb: Db;
  beforeAll(async () => {
    listDb = await migratedDb();
    const types = ["website", "documentation", "standards_body", "blog", "repository"] as const;
    const tiers = ["tier_1_canonical", "tier_2_trusted", "tier_3_community"] as const;
    for (let i = 0; i < 60; i++) {
      await listDb.sources.create({
        url: `https://list-${String(i).padStart(2, "0")}.example.test/`,
        title: i % 10 === 0 ? `Special Topic ${i}` : `Source ${i}`,
        sourceType: types[i % 5] as (typeof types)[number],
        authorityTier: tiers[i % 3] as (typeof tiers)[number],
        status: i % 4 === 0 ? "active" : "pending",
      });
    }
  });

  it("pages through everything in url order without gaps or repeats", async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await listDb.sources.list({ limit: 7, cursor });
      seen.push(...page.items.map((s) => s.url));
      cursor = page.nextCursor ?? undefined;
      pages += 1;
    } while (cursor);
    expect(pages).toBe(9);
    expect(seen).toHaveLength(60);
    expect(new Set(seen).size).toBe(60);
    expect([...seen].sort()).toEqual(seen);
  });

  it("filters by type, tier and status together", async () => {
    const page = await listDb.sources.list({ sourceType: "website", authorityTier: "tier_1_canonical", limit: 100 });
    // i % 5 === 0 and i % 3 === 0 → i % 15 === 0: 0, 15, 30, 45
    expect(page.items.map((s) => s.url)).toEqual([0, 15, 30, 45].map((i) => `https://list-${String(i).padStart(2, "0")}.example.test/`));
    const active = await listDb.sources.list({ sourceType: "website", status: "active", limit: 100 });
    expect(active.items.map((s) => s.title)).toEqual(["Special Topic 0", "Special Topic 20", "Special Topic 40"]);
  });

  it("finds text in titles and urls, case-insensitively", async () => {
    expect((await listDb.sources.list({ query: "special topic", limit: 100 })).items).toHaveLength(6);
    expect((await listDb.sources.list({ query: "LIST-5", limit: 100 })).items).toHaveLength(10);
    expect((await listDb.sources.list({ query: "%" })).items).toHaveLength(0);
    expect((await listDb.sources.list({ query: "_" })).items).toHaveLength(0);
    expect((await listDb.sources.list({ query: "special_topic" })).items).toHaveLength(0);
  });

  it("counts with the same filters", async () => {
    expect(await listDb.sources.count()).toBe(60);
    expect(await listDb.sources.count({ sourceType: "website", authorityTier: "tier_1_canonical" })).toBe(4);
    expect(await listDb.sources.count({ query: "special topic" })).toBe(6);
    expect((await caught(() => listDb.sources.count({ status: "gone" as never }))).code).toBe("VALIDATION");
  });

  it("orders urls by bytes, whatever the database's collation (the mirror sorts the same way)", async () => {
    const orderDb = await migratedDb();
    for (const url of ["https://b.test/x", "https://a.test/Z", "https://a.test/a", "https://a.test/_", "https://a.test/-"]) {
      await orderDb.sources.create(sourceInput({ url }));
    }
    const urls = (await orderDb.sources.list()).items.map((s) => s.url);
    expect(urls).toEqual([...urls].sort());
    expect(urls).toEqual(["https://a.test/-", "https://a.test/Z", "https://a.test/_", "https://a.test/a", "https://b.test/x"]);
  });

  it("rejects bad list queries", async () => {
    expect((await caught(() => listDb.sources.list({ limit: 0 }))).code).toBe("VALIDATION");
    expect((await caught(() => listDb.sources.list({ limit: 1001 }))).code).toBe("VALIDATION");
    expect((await caught(() => listDb.sources.list({ cursor: "garbage" }))).message).toContain("cursor");
    expect((await caught(() => listDb.sources.list({ sourceType: "nope" as never }))).code).toBe("VALIDATION");
  });

  it("allows pages of up to 1000", async () => {
    expect((await listDb.sources.list({ limit: 1000 })).items).toHaveLength(60);
  });
});
