import { CrawlScopeSchema } from "@kmcp/core";
import { beforeAll, describe, expect, it } from "vitest";
import { createDb, type Db } from "../src/index.js";
import { caught, migratedDatabase, sourceInput } from "./helpers.js";

let db: Db;
let url: string;
beforeAll(async () => {
  ({ db, url } = await migratedDatabase());
});

describe("crawls repository", () => {
  it("one crawl lock per site across connections; released on release, and when its process's connection dies", async () => {
    const other = createDb({ url });
    const locks: ({ release(): Promise<void> } | null)[] = [];
    try {
      const held = await db.crawls.lock("https://lock.test/docs");
      expect(held).not.toBeNull();
      expect(await other.crawls.lock("https://lock.test/docs")).toBeNull();
      const elsewhere = await other.crawls.lock("https://lock.test/other");
      expect(elsewhere).not.toBeNull();
      locks.push(elsewhere);
      await held?.release();
      const again = await other.crawls.lock("https://lock.test/docs");
      expect(again).not.toBeNull();
      locks.push(again);
      // The holder's connection goes away (its process killed): the lock is free.
      await db.prisma.$executeRawUnsafe(`SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND pid <> pg_backend_pid()`);
      await expect.poll(async () => {
        const lock = await db.crawls.lock("https://lock.test/docs");
        await lock?.release();
        return lock !== null;
      }).toBe(true);
    } finally {
      for (const lock of locks) await lock?.release();
      await other.close();
    }
  });

  it("keeps the frontier: pages found once, settled per job, pending for the next job, counted", async () => {
    const source = await db.sources.create(sourceInput({ url: "https://frontier.test/docs" }));
    const job = await db.crawls.startJob({ sourceId: source.id, scope: CrawlScopeSchema.parse({ maxPages: 20 }) });
    expect(job).toMatchObject({ status: "running", scope: { maxPages: 20, concurrency: 3 } });
    await db.crawls.discover(source.id, [
      { url: "https://frontier.test/docs", depth: 0 },
      { url: "https://frontier.test/docs/a", depth: 1 },
      { url: "https://frontier.test/docs/b", depth: 1 },
    ]);
    await db.crawls.discover(source.id, [{ url: "https://frontier.test/docs/a", depth: 5 }]);
    await db.crawls.settle(source.id, job.id, { url: "https://frontier.test/docs", status: "stored", reason: null, etag: '"e1"', title: "Home", contentHash: "h1", chunks: 4 });
    await db.crawls.settle(source.id, job.id, { url: "https://frontier.test/docs/a", status: "skipped", reason: "robots" });
    const pages = await db.crawls.pages(source.id);
    expect(pages.map((p) => [p.url, p.depth, p.status, p.jobId === job.id])).toEqual([
      ["https://frontier.test/docs", 0, "stored", true],
      ["https://frontier.test/docs/a", 1, "skipped", true],
      ["https://frontier.test/docs/b", 1, "pending", false],
    ]);
    expect(await db.crawls.counts(job.id)).toEqual({ stored: 1, unchanged: 0, gone: 0, failed: 0, skipped: { robots: 1 }, pending: 1, chunks: 4 });

    // The next job: everything pending again; a 304 keeps the validators and chunks it does not see.
    await db.crawls.finishJob(job.id, { status: "completed" });
    const next = await db.crawls.startJob({ sourceId: source.id, scope: CrawlScopeSchema.parse({}) });
    expect((await db.crawls.latestJob(source.id))?.id).toBe(next.id);
    expect((await db.crawls.counts(next.id)).pending).toBe(3);
    await db.crawls.settle(source.id, next.id, { url: "https://frontier.test/docs", status: "unchanged", reason: null });
    const home = (await db.crawls.pages(source.id))[0];
    expect(home).toMatchObject({ status: "unchanged", etag: '"e1"', title: "Home", contentHash: "h1", chunkCount: 4, jobId: next.id });
    const listed = await db.crawls.listJobs({ sourceId: source.id });
    expect(listed.map((j) => [j.id, j.status, j.url])).toEqual([
      [next.id, "running", "https://frontier.test/docs"],
      [job.id, "completed", "https://frontier.test/docs"],
    ]);
    expect((await db.crawls.pageStatusCounts()).find((c) => c.status === "unchanged")).toMatchObject({ pages: 1 });
    expect((await db.crawls.sites()).find((site) => site.sourceId === source.id)).toMatchObject({ url: "https://frontier.test/docs", jobId: next.id, jobStatus: "running" });
  });

  it("refuses bad input and writes nothing; a source's crawl goes with it", async () => {
    const source = await db.sources.create(sourceInput());
    const job = await db.crawls.startJob({ sourceId: source.id, scope: {} });
    expect((await caught(() => db.crawls.settle(source.id, job.id, { url: "x", status: "pending" as "stored", reason: null }))).code).toBe("VALIDATION");
    expect((await caught(() => db.crawls.startJob({ sourceId: source.id, scope: { maxPages: 0 } }))).code).toBe("VALIDATION");
    await db.crawls.discover(source.id, [{ url: "https://x.test/a", depth: 0 }]);
    await db.sources.delete(source.id);
    expect(await db.crawls.pages(source.id)).toEqual([]);
    expect(await db.crawls.latestJob(source.id)).toBeNull();
  });
});
