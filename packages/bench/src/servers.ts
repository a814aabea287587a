import { rm } from "node:fs/promises";
import path from "node:path";
import { makeServerTempDir, startLocalChroma, startLocalPostgres, type LocalChroma, type LocalPostgres } from "@kmcp/local-servers";
import { createDb } from "@kmcp/db";
import pg from "pg";

export interface BenchServers {
  postgres: LocalPostgres;
  chroma: LocalChroma;
  /** A fresh database on the server. */
  database(name: string): Promise<string>;
  close(): Promise<void>;
}

export async function startServers(): Promise<BenchServers> {
  const base = await makeServerTempDir("kmcp-bench-");
  const [postgres, chroma] = await Promise.all([
    // Throwaway like the test servers (fsync off), so figures stay comparable with earlier runs.
    startLocalPostgres({ dataDir: path.join(base, "pg"), password: "bench-pw", durability: "throwaway" }),
    startLocalChroma({ dataDir: path.join(base, "chroma") }),
  ]);
  return {
    postgres,
    chroma,
    async database(name) {
      const admin = new pg.Client({ connectionString: postgres.url });
      await admin.connect();
      await admin.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`);
      await admin.end();
      const url = new URL(postgres.url);
      url.pathname = `/${name}`;
      return url.toString();
    },
    async close() {
      await Promise.all([postgres.destroy(), chroma.destroy()]);
      await rm(base, { recursive: true, force: true });
    },
  };
}

/** Migrates a fresh database and seeds it (see seedSources). */
export async function seedDatabase(url: string, count: number): Promise<void> {
  const db = createDb({ url });
  await db.migrate();
  await db.close();
  await seedSources(url, count);
}

/**
 * `count` varied sources in one INSERT … SELECT (triggers still stamp each row for the change
 * feed): every type, tier and status, so two-key filters select about 1/15 of them.
 */
export async function seedSources(url: string, count: number): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(
      `INSERT INTO sources (id, url, title, source_type, authority_tier, status, description, updated_at)
       SELECT gen_random_uuid(),
              'https://bench-' || i || '.example.test/docs/' || (i % 97),
              'Benchmark source ' || i,
              (ARRAY['website','documentation','standards_body','blog','repository'])[1 + i % 5]::"SourceType",
              (ARRAY['tier_1_canonical','tier_2_trusted','tier_3_community'])[1 + i % 3]::"AuthorityTier",
              (ARRAY['pending','active','failed','archived'])[1 + i % 4]::"SourceStatus",
              CASE WHEN i % 3 = 0 THEN 'About source ' || i END,
              now()
         FROM generate_series(1, $1::int) AS i`,
      [count],
    );
  } finally {
    await client.end();
  }
}
