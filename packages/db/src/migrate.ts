import { randomUUID } from "node:crypto";
import pg from "pg";
import { DbError } from "./errors.js";
import { migrations as bundledMigrations } from "./generated/migrations.js";
import { translateError } from "./translate-error.js";

export interface Migration {
  name: string;
  checksum: string;
  sql: string;
}

export interface MigrationStatus {
  applied: string[];
  pending: string[];
  /** Started but never finished (a crash of a non-transactional tool such as the Prisma CLI). */
  failed: string[];
  /** Applied in the database but unknown to this version of @kmcp/db (the database is newer). */
  unknown: string[];
  /** Applied, but the file shipped now differs from what was applied. */
  modified: string[];
}

export interface MigrateResult extends MigrationStatus {
  /** Migrations this call applied, in order. */
  appliedNow: string[];
}

// Prisma's own lock key, so `prisma migrate deploy` and migrate() never run at once.
const MIGRATION_LOCK_KEY = 72707369;

const CREATE_MIGRATIONS_TABLE = `
  CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id" VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum" VARCHAR(64) NOT NULL,
    "finished_at" TIMESTAMPTZ,
    "migration_name" VARCHAR(255) NOT NULL,
    "logs" TEXT,
    "rolled_back_at" TIMESTAMPTZ,
    "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count" INTEGER NOT NULL DEFAULT 0
  )`;

interface AppliedRow {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
}

/** Compares what the database recorded with what ships. Pure. */
export function planMigrations(known: readonly Migration[], applied: readonly AppliedRow[]): MigrationStatus {
  const live = applied.filter((row) => row.rolled_back_at === null);
  const done = live.filter((row) => row.finished_at !== null);
  const byName = new Map(known.map((m) => [m.name, m]));
  return {
    applied: done.map((r) => r.migration_name).filter((n) => byName.has(n)),
    pending: known.filter((m) => !done.some((r) => r.migration_name === m.name)).map((m) => m.name),
    failed: live.filter((row) => row.finished_at === null).map((r) => r.migration_name),
    unknown: done.map((r) => r.migration_name).filter((n) => !byName.has(n)),
    modified: done.filter((r) => byName.has(r.migration_name) && byName.get(r.migration_name)?.checksum !== r.checksum).map((r) => r.migration_name),
  };
}

async function withClient<T>(url: string, secrets: readonly string[], action: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  client.on("error", () => {});
  try {
    await client.connect();
    return await fn(client);
  } catch (error) {
    throw translateError(error, action, secrets);
  } finally {
    await client.end().catch(() => {});
  }
}

/** The recorded migrations; fails when the table does not exist yet. */
async function selectApplied(client: pg.Client | pg.Pool): Promise<AppliedRow[]> {
  const { rows } = await client.query<AppliedRow>(
    `SELECT migration_name, checksum, finished_at, rolled_back_at FROM "_prisma_migrations" ORDER BY started_at`,
  );
  return rows;
}

async function readApplied(client: pg.Client | pg.Pool): Promise<AppliedRow[]> {
  const exists = await client.query(`SELECT to_regclass('"_prisma_migrations"') IS NOT NULL AS present`);
  if (!exists.rows[0]?.present) return [];
  return selectApplied(client);
}

export async function migrationStatus(url: string, secrets: readonly string[] = [], known: readonly Migration[] = bundledMigrations): Promise<MigrationStatus> {
  return withClient(url, secrets, "read the migration status", async (client) => planMigrations(known, await readApplied(client)));
}

/**
 * Brings the database up to date with the migrations shipped in this package. Each migration
 * runs in its own transaction together with its bookkeeping row, so a crash leaves it either
 * fully applied or not at all, and the next call carries on. Safe to call concurrently and on
 * every start-up.
 *
 * @throws DbError MIGRATION when the database holds a failed or unknown (newer) migration.
 */
export async function migrate(
  url: string,
  secrets: readonly string[] = [],
  known: readonly Migration[] = bundledMigrations,
  options: { pool?: pg.Pool } = {},
): Promise<MigrateResult> {
  // Up to date, the usual case at start-up: one read (one round trip) on a pooled connection, no
  // lock, no connection of its own. Anything else (or any doubt, such as no migrations table yet)
  // takes the locked path below.
  if (options.pool) {
    const status = await selectApplied(options.pool).then(
      (applied) => planMigrations(known, applied),
      () => undefined,
    );
    if (status && [status.pending, status.failed, status.unknown].every((list) => list.length === 0)) return { ...status, appliedNow: [] };
  }
  return withClient(url, secrets, "migrate the database", async (client) => {
    await client.query("SELECT pg_advisory_lock($1)", [MIGRATION_LOCK_KEY]);
    try {
      await client.query(CREATE_MIGRATIONS_TABLE);
      const status = planMigrations(known, await readApplied(client));
      if (status.failed.length) {
        throw new DbError(
          "MIGRATION",
          `Migration ${status.failed.join(", ")} started earlier and never finished; repair the database by hand, then mark it with \`prisma migrate resolve\`.`,
          { data: { failed: status.failed } },
        );
      }
      if (status.unknown.length) {
        throw new DbError(
          "MIGRATION",
          `The database has migrations this version of kmcp does not know (${status.unknown.join(", ")}); upgrade kmcp.`,
          { data: { unknown: status.unknown } },
        );
      }
      const appliedNow: string[] = [];
      for (const name of status.pending) {
        const migration = known.find((m) => m.name === name) as Migration;
        await client.query("BEGIN");
        try {
          await client.query(migration.sql);
          await client.query(
            `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, finished_at, applied_steps_count)
             VALUES ($1, $2, $3, now(), now(), 1)`,
            [randomUUID(), migration.checksum, migration.name],
          );
          await client.query("COMMIT");
        } catch (error) {
          await client.query("ROLLBACK").catch(() => {});
          throw new DbError("MIGRATION", `Migration ${name} failed and was rolled back: ${(error as Error).message}`, {
            cause: error,
            data: { migration: name },
          });
        }
        appliedNow.push(name);
      }
      return { ...planMigrations(known, await readApplied(client)), appliedNow };
    } finally {
      await client.query("SELECT pg_advisory_unlock($1)", [MIGRATION_LOCK_KEY]).catch(() => {});
    }
  });
}
