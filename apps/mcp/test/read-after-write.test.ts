import { createDb, type Db } from "@kmcp/db";
import type { LocalChroma, LocalPostgres } from "@kmcp/local-servers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, connectStdio, startStores } from "./harness.js";

const ROUNDS = 500;

/**
 * Issue #19's probe against real PostgreSQL: a second connection updates a source and, as soon as
 * its COMMIT has returned, the server (default configuration: read cache on) is asked for it. An
 * answer labelled `primary` must never be older than that committed write.
 */
describe("read-after-write through the MCP server's read cache", () => {
  let postgres: LocalPostgres;
  let chroma: LocalChroma;
  let db: Db;
  /** The second connection: its own process-side pool of one connection, no read cache. */
  let writer: Db;
  let session: Awaited<ReturnType<typeof connectStdio>>;
  let id: string;

  beforeAll(async () => {
    let env: Record<string, string>;
    ({ postgres, chroma, env } = await startStores());
    db = createDb({ url: postgres.url });
    await db.migrate();
    const source = await db.sources.create({
      url: "https://read-after-write.example.test/",
      title: "title 0",
      sourceType: "documentation",
      authorityTier: "tier_1_canonical",
      status: "active",
    });
    id = source.id;
    writer = createDb({ url: postgres.url, poolSize: 1 });
    // Default configuration: KMCP_READ_CACHE is not set, so the read cache is on.
    session = await connectStdio(env);
  }, 120_000);

  afterAll(async () => {
    await session?.close();
    await Promise.all([writer?.close(), db?.close()]);
    await Promise.all([postgres?.destroy(), chroma?.destroy()]);
  });

  it(`never labels a stale answer primary, over ${ROUNDS} write-then-read rounds`, async () => {
    const warm = await call(session.client, "knowledge_source", { idOrUrl: id });
    expect(warm.isError).toBeFalsy();
    expect(warm.structuredContent).toMatchObject({ source: { id, title: "title 0" }, origin: "primary" });

    let primary = 0;
    const stale: { round: number; wrote: string; got: unknown }[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      const title = `title ${round} ${Math.random().toString(36).slice(2)}`;
      // An autocommit statement: once this resolves, its COMMIT has returned.
      const updated = await writer.prisma.$executeRawUnsafe("UPDATE sources SET title = $1, updated_at = now() WHERE id = $2::uuid", title, id);
      expect(updated).toBe(1);
      const answer = await call(session.client, "knowledge_source", { idOrUrl: id });
      expect(answer.isError).toBeFalsy();
      const content = answer.structuredContent as { origin?: string; source?: { title?: string } } | undefined;
      if (content?.origin !== "primary") continue;
      primary++;
      if (content.source?.title !== title) stale.push({ round, wrote: title, got: content.source?.title });
    }

    expect(stale).toEqual([]);
    expect(primary).toBeGreaterThanOrEqual(ROUNDS - 10);
  }, 120_000);
});
