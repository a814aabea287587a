/**
 * What PostgreSQL and Chroma hold, so a test can say exactly what an outage let through (the
 * outage-matrix tests of the CLI and the MCP server), and small helpers for checking output.
 */
import pg from "pg";
import { expect } from "vitest";

/** Row count and content hash of every table in the public schema. */
export type PostgresSnapshot = Record<string, { rows: number; hash: string }>;

export async function snapshotPostgres(url: string): Promise<PostgresSnapshot> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const tables = await client.query<{ name: string }>(
      "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1",
    );
    const snapshot: PostgresSnapshot = {};
    for (const { name } of tables.rows) {
      const result = await client.query<{ rows: string; hash: string }>(
        `SELECT count(*) AS rows, md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) AS hash FROM "${name}" t`,
      );
      snapshot[name] = { rows: Number(result.rows[0]!.rows), hash: result.rows[0]!.hash };
    }
    return snapshot;
  } finally {
    await client.end();
  }
}

/** Record count of every Chroma collection (default tenant and database), by name. */
export async function snapshotChroma(url: string): Promise<Record<string, number>> {
  const base = `${url}/api/v2/tenants/default_tenant/databases/default_database/collections`;
  const collections = (await (await fetch(`${base}?limit=1000`)).json()) as { id: string; name: string }[];
  const counts: Record<string, number> = {};
  for (const { id, name } of collections) counts[name] = Number(await (await fetch(`${base}/${id}/count`)).json());
  return counts;
}

/** The tables/collections whose snapshot differs, with before → after. */
export function changed<T>(before: Record<string, T>, after: Record<string, T>): Record<string, { before: T | undefined; after: T | undefined }> {
  const out: Record<string, { before: T | undefined; after: T | undefined }> = {};
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (JSON.stringify(before[key]) !== JSON.stringify(after[key])) out[key] = { before: before[key], after: after[key] };
  }
  return out;
}

/** A line of a stack trace (`    at fn (file:1:2)`). */
export const STACK_LINE = /^\s+at \S/m;

export function stderrLines(stderr: string): string[] {
  return stderr.split("\n").filter((line) => line.trim() !== "");
}

/** Runs `fn` over `items`, at most `limit` at a time, keeping the order of the results. */
export async function mapBounded<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** PostgreSQL and Chroma snapshotted together (see snapshotPostgres, snapshotChroma). */
export interface StoresSnapshot {
  pg: PostgresSnapshot;
  chroma: Record<string, number>;
}

export async function snapshotStores(postgresUrl: string, chromaUrl: string): Promise<StoresSnapshot> {
  const [pg, chroma] = await Promise.all([snapshotPostgres(postgresUrl), snapshotChroma(chromaUrl)]);
  return { pg, chroma };
}

/**
 * Checks what an outage let through, from snapshots taken before and after (with both servers
 * back): with PostgreSQL down only one queued write in Chroma's pending-writes collection, with
 * both down nothing. Returns the changes, for the scenario where PostgreSQL took writes.
 */
export function expectOutageWrites(scenario: "postgres down" | "chroma down" | "both down", before: StoresSnapshot, after: StoresSnapshot) {
  const pg = changed(before.pg, after.pg);
  const chroma = changed(before.chroma, after.chroma);
  if (scenario === "both down") expect({ pg, chroma }).toEqual({ pg: {}, chroma: {} });
  if (scenario === "postgres down") {
    expect(pg).toEqual({});
    const queues = Object.keys(chroma);
    expect(queues).toHaveLength(1);
    expect(queues[0]).toMatch(/pending_writes$/);
    expect(chroma[queues[0]!]).toEqual({ before: before.chroma[queues[0]!], after: (before.chroma[queues[0]!] ?? 0) + 1 });
  }
  if (scenario === "chroma down") expect(chroma).toEqual({});
  return { pg, chroma };
}

/** Stops the servers a scenario takes down; returns them, to start again once the scenario is checked. */
export async function takeDown<S extends { stop(): Promise<void> }>(scenario: "postgres down" | "chroma down" | "both down", servers: { postgres: S; chroma: S }): Promise<S[]> {
  const down = [...(scenario !== "chroma down" ? [servers.postgres] : []), ...(scenario !== "postgres down" ? [servers.chroma] : [])];
  await Promise.all(down.map((server) => server.stop()));
  return down;
}
