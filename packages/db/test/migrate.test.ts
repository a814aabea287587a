import { createTestDatabase } from "@kmcp/testing/postgres";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { createDb, migrate, migrationStatus, type Migration } from "../src/index.js";
import { migrations as shipped } from "../src/generated/migrations.js";
import { caught } from "./helpers.js";

async function query(url: string, sql: string, params: unknown[] = []) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows;
  } finally {
    await client.end();
  }
}

describe("migrate()", () => {
  it("brings an empty database up to date, then has nothing left to do", async () => {
    const url = await createTestDatabase();
    const db = createDb({ url });
    expect((await db.migrationStatus()).pending).toEqual(shipped.map((m) => m.name));
    const first = await db.migrate();
    expect(first.appliedNow).toEqual(shipped.map((m) => m.name));
    expect(first.pending).toEqual([]);
    const again = await db.migrate();
    expect(again.appliedNow).toEqual([]);
    expect(again.applied).toEqual(shipped.map((m) => m.name));
    // Recorded the way Prisma records them, so `prisma migrate status` agrees.
    const rows = await query(url, `SELECT migration_name, checksum, finished_at FROM "_prisma_migrations"`);
    expect(rows).toEqual(shipped.map((m) => ({ migration_name: m.name, checksum: m.checksum, finished_at: expect.any(Date) })));
    await db.close();
  });

  it("is safe when several processes start at once", async () => {
    const url = await createTestDatabase();
    const results = await Promise.all([migrate(url), migrate(url), migrate(url)]);
    expect(results.flatMap((r) => r.appliedNow)).toEqual(shipped.map((m) => m.name));
    expect((await query(url, `SELECT count(*)::int AS n FROM "_prisma_migrations"`))[0].n).toBe(shipped.length);
  });

  it("rolls a failing migration back whole, so a later run can apply a fixed one", async () => {
    const url = await createTestDatabase();
    const broken: Migration[] = [
      ...shipped,
      { name: "29990101000000_broken", checksum: "x".repeat(64), sql: `CREATE TABLE half_done (id int); SELECT no_such_function();` },
    ];
    const error = await caught(() => migrate(url, [], broken));
    expect(error.code).toBe("MIGRATION");
    expect(error.message).toContain("29990101000000_broken");
    expect(await query(url, `SELECT to_regclass('half_done') AS t`)).toEqual([{ t: null }]);
    const status = await migrationStatus(url, [], broken);
    expect(status.applied).toEqual(shipped.map((m) => m.name));
    expect(status.pending).toEqual(["29990101000000_broken"]);
    const fixed = [...shipped, { name: "29990101000000_broken", checksum: "y".repeat(64), sql: "CREATE TABLE half_done (id int);" }];
    expect((await migrate(url, [], fixed)).appliedNow).toEqual(["29990101000000_broken"]);
  });

  it("refuses a database with a half-applied migration or one from a newer kmcp", async () => {
    const url = await createTestDatabase();
    await migrate(url);
    await query(url, `INSERT INTO "_prisma_migrations" (id, checksum, migration_name) VALUES ('a', 'c', '29990101000000_crashed')`);
    const crashed = await caught(() => migrate(url, [], [...shipped, { name: "29990101000000_crashed", checksum: "c", sql: "" }]));
    expect(crashed.code).toBe("MIGRATION");
    expect(crashed.message).toContain("never finished");
    await query(url, `UPDATE "_prisma_migrations" SET finished_at = now() WHERE id = 'a'`);
    const newer = await caught(() => migrate(url));
    expect(newer.code).toBe("MIGRATION");
    expect(newer.message).toContain("upgrade kmcp");
  });

  it("tells an unmigrated database apart from an outage", async () => {
    const db = createDb({ url: await createTestDatabase() });
    const error = await caught(() => db.sources.list());
    expect(error.code).toBe("MIGRATION");
    expect(error.message).toContain("kmcp db migrate");
    await db.close();
  });
});
