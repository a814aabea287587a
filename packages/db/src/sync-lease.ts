import { z } from "zod";
import type { PoolContext } from "./context.js";
import { parseInput } from "./parse-input.js";

/** Every acquisition and release of a sync lease is announced here, delivered at its COMMIT. */
export const SYNC_LEASE_CHANNEL = "kmcp_sync_lease";

/** What a lease notification carries (JSON). */
export const LeaseEventSchema = z.object({
  event: z.enum(["acquired", "released"]),
  name: z.string(),
  holderId: z.string(),
  token: z.number(),
  /** For `released`: whether the sync it guarded succeeded. */
  ok: z.boolean().optional(),
});
export type LeaseEvent = z.infer<typeof LeaseEventSchema>;

/** Who holds a lease that has not expired. */
export interface LeaseHolding {
  holderId: string;
  /** For people, e.g. "kmcp-mcp pid 4242 on web-1". */
  holder: string;
  acquiredAt: Date;
  expiresAt: Date;
  /** How long until it lapses unless renewed, by PostgreSQL's clock. */
  expiresInMs: number;
}

export type LeaseAttempt = { acquired: true; token: number } | { acquired: false; current: LeaseHolding | null };

const NameSchema = z.string().min(1).max(200);
const HolderSchema = z.strictObject({
  name: NameSchema,
  holderId: z.string().min(1).max(100),
  holder: z.string().min(1).max(200),
  ttlMs: z.number().int().min(100).max(600_000),
});
const HeldSchema = z.strictObject({ name: NameSchema, holderId: z.string().min(1), token: z.number().int().nonnegative() });

/**
 * A lease per mirror (`sync_leases`), so that one process at a time syncs it. Times are
 * PostgreSQL's (clock_timestamp()), so clocks of the holders never matter.
 */
export interface SyncLeases {
  /** Takes the lease when it is free, expired, or already this holder's; otherwise says who holds it. */
  acquire(input: z.input<typeof HolderSchema>): Promise<LeaseAttempt>;
  /** Extends the lease by `ttlMs` from now; false when it is no longer this holder's (taken over after it lapsed). */
  renew(input: z.input<typeof HeldSchema> & { ttlMs: number }): Promise<boolean>;
  /** Frees the lease at once (if still this holder's) and announces it with the sync's outcome. */
  release(input: z.input<typeof HeldSchema> & { ok: boolean }): Promise<void>;
  /** The live lease, or null when it is free. */
  current(name: string): Promise<LeaseHolding | null>;
}

interface HoldingRow {
  holder_id: string;
  holder: string;
  acquired_at: Date;
  expires_at: Date;
  expires_in_ms: number;
}

const toHolding = (row: HoldingRow): LeaseHolding => ({
  holderId: row.holder_id,
  holder: row.holder,
  acquiredAt: row.acquired_at,
  expiresAt: row.expires_at,
  expiresInMs: Math.max(0, Math.round(Number(row.expires_in_ms))),
});

const HOLDING_COLUMNS = `l.holder_id, l.holder, l.acquired_at, l.expires_at,
  extract(epoch FROM l.expires_at - clock_timestamp()) * 1000 AS expires_in_ms`;

export function createSyncLeases(ctx: PoolContext): SyncLeases {
  const { pool, run } = ctx;
  return {
    async acquire(input) {
      const q = parseInput(HolderSchema, input, "sync lease");
      // One round trip: the upsert takes the lease if it may; the outer SELECT reads the row as
      // it was before (same snapshot), which names the holder when it may not.
      const { rows } = await run("take the sync lease", () =>
        pool.query<HoldingRow & { token: string | null }>(
          `WITH taken AS (
             INSERT INTO sync_leases AS l (name, holder_id, holder, token, acquired_at, expires_at)
             VALUES ($1, $2, $3, 1, clock_timestamp(), clock_timestamp() + make_interval(secs => $4::float8 / 1000))
             ON CONFLICT (name) DO UPDATE SET holder_id = EXCLUDED.holder_id, holder = EXCLUDED.holder, token = l.token + 1,
               acquired_at = EXCLUDED.acquired_at, expires_at = EXCLUDED.expires_at
             WHERE l.expires_at IS NULL OR l.expires_at <= clock_timestamp() OR l.holder_id = EXCLUDED.holder_id
             RETURNING l.token, pg_notify('${SYNC_LEASE_CHANNEL}',
               json_build_object('event', 'acquired', 'name', l.name, 'holderId', l.holder_id, 'token', l.token)::text)
           )
           SELECT (SELECT token::text FROM taken) AS token, ${HOLDING_COLUMNS}
             FROM (SELECT 1) AS one LEFT JOIN sync_leases l ON l.name = $1 AND l.expires_at > clock_timestamp()`,
          [q.name, q.holderId, q.holder, q.ttlMs],
        ),
      );
      const row = rows[0]!;
      if (row.token !== null) return { acquired: true, token: Number(row.token) };
      return { acquired: false, current: row.holder_id === null ? null : toHolding(row) };
    },

    async renew(input) {
      const q = parseInput(HeldSchema.extend({ ttlMs: HolderSchema.shape.ttlMs }), input, "sync lease renewal");
      const { rowCount } = await run("renew the sync lease", () =>
        pool.query(
          `UPDATE sync_leases SET expires_at = clock_timestamp() + make_interval(secs => $4::float8 / 1000)
            WHERE name = $1 AND holder_id = $2 AND token = $3`,
          [q.name, q.holderId, q.token, q.ttlMs],
        ),
      );
      return rowCount === 1;
    },

    async release(input) {
      const q = parseInput(HeldSchema.extend({ ok: z.boolean() }), input, "sync lease release");
      await run("release the sync lease", () =>
        pool.query(
          `UPDATE sync_leases SET expires_at = clock_timestamp()
            WHERE name = $1 AND holder_id = $2 AND token = $3
            RETURNING pg_notify('${SYNC_LEASE_CHANNEL}',
              json_build_object('event', 'released', 'name', name, 'holderId', holder_id, 'token', token, 'ok', $4::boolean)::text)`,
          [q.name, q.holderId, q.token, q.ok],
        ),
      );
    },

    async current(name) {
      const leaseName = parseInput(NameSchema, name, "sync lease name");
      const { rows } = await run("read the sync lease", () =>
        pool.query<HoldingRow>(`SELECT ${HOLDING_COLUMNS} FROM sync_leases l WHERE l.name = $1 AND l.expires_at > clock_timestamp()`, [leaseName]),
      );
      return rows[0] ? toHolding(rows[0]) : null;
    },
  };
}
