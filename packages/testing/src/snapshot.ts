/**
 * What PostgreSQL and Chroma hold, so a test can say exactly what an outage let through (the
 * outage-matrix tests of the CLI and the MCP server), and small helpers for checking output.
 */
import { createHash } from "node:crypto";
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

/** Record count and content hash (ids, documents, metadata, embeddings) of every Chroma collection, by name. */
export type ChromaSnapshot = Record<string, { rows: number; hash: string }>;

export async function snapshotChroma(url: string): Promise<ChromaSnapshot> {
  const base = `${url}/api/v2/tenants/default_tenant/databases/default_database/collections`;
  const collections = (await (await fetch(`${base}?limit=1000`)).json()) as { id: string; name: string }[];
  const snapshot: ChromaSnapshot = {};
  for (const { id, name } of collections) {
    const response = await fetch(`${base}/${id}/get`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ include: ["documents", "metadatas", "embeddings"] }),
    });
    const got = (await response.json()) as { ids: string[]; documents: unknown[]; metadatas: unknown[]; embeddings: unknown[] };
    // Chroma does not promise an order: hash the records sorted by id.
    const records = got.ids.map((recordId, i) => JSON.stringify([recordId, got.documents[i], sortKeys(got.metadatas[i]), got.embeddings[i]])).sort();
    snapshot[name] = { rows: records.length, hash: createHash("md5").update(records.join("\n")).digest("hex") };
  }
  return snapshot;
}

/** Metadata with its keys in one order (Chroma returns them in no fixed order). */
function sortKeys(value: unknown): unknown {
  return value && typeof value === "object" && !Array.isArray(value) ? Object.fromEntries(Object.entries(value).sort(([a], [b]) => a.localeCompare(b))) : value;
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
  chroma: ChromaSnapshot;
}

export async function snapshotStores(postgresUrl: string, chromaUrl: string): Promise<StoresSnapshot> {
  const [pg, chroma] = await Promise.all([snapshotPostgres(postgresUrl), snapshotChroma(chromaUrl)]);
  return { pg, chroma };
}

/**
 * Checks what an outage let through, from snapshots taken before and after (with both servers
 * back): with PostgreSQL down only one queued write in Chroma's pending-writes collection and the
 * sync state recording the failed attempt (every other collection identical record for record),
 * with both down nothing. Returns the changes, for the scenario where PostgreSQL took writes.
 */
export function expectOutageWrites(scenario: "postgres down" | "chroma down" | "both down", before: StoresSnapshot, after: StoresSnapshot) {
  const pg = changed(before.pg, after.pg);
  const chroma = changed(before.chroma, after.chroma);
  if (scenario === "both down") expect({ pg, chroma }).toEqual({ pg: {}, chroma: {} });
  if (scenario === "postgres down") {
    expect(pg).toEqual({});
    // A failed sync attempt records why in the shared sync state (health reads it there).
    const queues = Object.keys(chroma).filter((name) => !name.endsWith("sync_state"));
    expect(queues).toHaveLength(1);
    expect(queues[0]).toMatch(/pending_writes$/);
    const queue = queues[0]!;
    expect(after.chroma[queue]!.rows).toBe((before.chroma[queue]?.rows ?? 0) + 1);
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
