import {
  ChangeFeedQuerySchema,
  decodeCursor,
  encodeCursor,
  IdSchema,
  invalidCursor,
  type ChangeFeedQuery,
  type Source,
} from "@kmcp/core";
import type { PoolContext } from "./context.js";
import { parseInput } from "./parse-input.js";
import { toSource, type SourceRow } from "./source-reads.js";

/** One change to a source, in commit-safe order. */
export type SourceChange =
  | { kind: "upsert"; source: Source }
  | { kind: "delete"; id: string; url: string; deletedAt: Date };

export interface ChangePage {
  changes: SourceChange[];
  /** Checkpoint to pass as `after` next time; equal to `after` when there was nothing new. */
  checkpoint: string | null;
  /** True when a full page came back and more changes may follow right away. */
  hasMore: boolean;
  /**
   * True when changes after `after` have committed but are held back: an older transaction that
   * wrote (in any database of the server) is still running, and they are read once it ends.
   */
  heldBack: boolean;
}

export interface ChangeFeed {
  /**
   * Changes (creates, updates, deletes) committed after `after`, oldest first. Start with
   * `after: null` to read every live source and every tombstone. See README: Change feed.
   */
  read(query?: ChangeFeedQuery): Promise<ChangePage>;
}

/** An upsert row carries the source's columns (named as source-reads selects them); a delete, the tombstone's. */
type ChangeRow = { txid: string } & (({ kind: "upsert" } & SourceRow) | { kind: "delete"; id: string; url: string; deleted_at: Date });
/** Every row says whether changes are held back; with no changes, one row says only that (kind null). */
type FeedRow = { held_back: boolean } & (ChangeRow | { kind: null });

const START = ["0", "00000000-0000-0000-0000-000000000000"] as const;

// $1, $2: the checkpoint (transaction id, source id); $3: the page size. Only transactions older
// than every transaction still running are read (the snapshot's xmin): a change whose
// transaction has not committed yet can never be skipped. held_back: committed changes newer
// than that horizon, which wait for an older transaction to end (a sync that read none of them
// has not caught up).
const CHANGES_SQL = `
  WITH horizon AS (SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint AS xmin),
  changes AS (SELECT * FROM (
    (SELECT 'upsert' AS kind, s.change_txid::text AS txid, s.id::text AS id, s.url, s.title,
            s.source_type::text AS source_type, s.status::text AS status,
            s.authority_tier::text AS authority_tier, s.description, s.created_at, s.updated_at,
            s.last_crawled_at, NULL::timestamptz AS deleted_at
       FROM sources s, horizon h
      WHERE (s.change_txid, s.id) > ($1::bigint, $2::uuid) AND s.change_txid < h.xmin
      ORDER BY s.change_txid, s.id LIMIT $3)
    UNION ALL
    (SELECT 'delete', t.change_txid::text, t.source_id::text, t.url, NULL, NULL, NULL, NULL, NULL,
            NULL, NULL, NULL, t.deleted_at
       FROM source_tombstones t, horizon h
      WHERE (t.change_txid, t.source_id) > ($1::bigint, $2::uuid) AND t.change_txid < h.xmin
      ORDER BY t.change_txid, t.source_id LIMIT $3)
  ) c ORDER BY c.txid::bigint, c.id::uuid LIMIT $3),
  held AS (SELECT
    EXISTS (SELECT 1 FROM sources s, horizon h WHERE s.change_txid >= h.xmin AND (s.change_txid, s.id) > ($1::bigint, $2::uuid))
    OR EXISTS (SELECT 1 FROM source_tombstones t, horizon h WHERE t.change_txid >= h.xmin AND (t.change_txid, t.source_id) > ($1::bigint, $2::uuid))
    AS held_back)
  SELECT held.held_back, changes.* FROM held LEFT JOIN changes ON true
  ORDER BY changes.txid::bigint, changes.id::uuid`;

export function createChangeFeed(ctx: PoolContext): ChangeFeed {
  return {
    async read(query = {}) {
      const q = parseInput(ChangeFeedQuerySchema, query, "change feed query");
      const [afterTxid, afterId] = q.after ? decodeCheckpoint(q.after) : START;
      const rows = await ctx.run("read source changes", async () => {
        // On the plain pool, not Prisma: the sync's one hot query, and a process that only
        // syncs (`kmcp sync run`) then never starts Prisma's query engine.
        const { rows } = await ctx.pool.query<FeedRow>(CHANGES_SQL, [afterTxid, afterId, q.limit]);
        return rows;
      });
      const changes = rows.filter((row): row is FeedRow & ChangeRow => row.kind !== null);
      const last = changes.at(-1);
      return {
        changes: changes.map(toChange),
        checkpoint: last ? encodeCursor([last.txid, last.id]) : (q.after ?? null),
        hasMore: changes.length === q.limit,
        heldBack: rows[0]?.held_back ?? false,
      };
    },
  };
}

/**
 * Orders two checkpoints of the feed: negative when `a` comes before `b`, 0 when equal, positive
 * after. `null` (the start) comes first.
 * @throws CoreError VALIDATION when either is not a checkpoint of this feed.
 */
export function compareCheckpoints(a: string | null, b: string | null): number {
  const [aTxid, aId] = a === null ? START : decodeCheckpoint(a);
  const [bTxid, bId] = b === null ? START : decodeCheckpoint(b);
  const byTxid = BigInt(aTxid) - BigInt(bTxid);
  if (byTxid !== 0n) return byTxid < 0n ? -1 : 1;
  // Ids compare as PostgreSQL compares uuids: by their bytes, which for the lower-case hex text is the text order.
  const [x, y] = [aId.toLowerCase(), bId.toLowerCase()];
  return x === y ? 0 : x < y ? -1 : 1;
}

function decodeCheckpoint(checkpoint: string): readonly [string, string] {
  const [txid, id] = decodeCursor(checkpoint, 2) as [string, string];
  if (!/^\d{1,19}$/.test(txid) || !IdSchema.safeParse(id).success) throw invalidCursor();
  return [txid, id];
}

function toChange(row: ChangeRow): SourceChange {
  if (row.kind === "delete") return { kind: "delete", id: row.id, url: row.url, deletedAt: row.deleted_at };
  return { kind: "upsert", source: toSource(row) };
}
