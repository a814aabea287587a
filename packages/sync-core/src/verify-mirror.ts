import { mirrorHolds, toMirrorRecord, type ChromaStore } from "@kmcp/chroma-store";
import type { Source } from "@kmcp/core";
import type { Db } from "@kmcp/db";
import { orphanIds } from "./mirror-orphans.js";

export interface MirrorDiff {
  /** In PostgreSQL, not in the mirror. */
  missing: string[];
  /** In the mirror, no longer in PostgreSQL. */
  extra: string[];
  /** In both, but the mirror's copy differs. */
  drifted: string[];
}

const PAGE = 1_000;

/**
 * Compares every source in PostgreSQL with the mirror, a page of sources at a time through the
 * repository, then the mirror's ids with PostgreSQL a page at a time (only differences are held).
 */
export async function verifyMirror({ db, store }: { db: Pick<Db, "sources">; store: Pick<ChromaStore, "sources"> }): Promise<MirrorDiff & { inSync: boolean }> {
  const diff: MirrorDiff = { missing: [], extra: [], drifted: [] };
  let cursor: string | undefined;
  do {
    const page = await db.sources.list({ limit: PAGE, ...(cursor ? { cursor } : {}) });
    compare(page.items, await store.sources.getMany(page.items.map((s) => s.id)), diff);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  for await (const orphans of orphanIds(db, store)) diff.extra.push(...orphans);
  return { ...diff, inSync: diff.missing.length + diff.extra.length + diff.drifted.length === 0 };
}

/** Pure: adds to `diff` how the mirror's records differ from these sources. */
function compare(sources: readonly Source[], records: Awaited<ReturnType<ChromaStore["sources"]["getMany"]>>, diff: MirrorDiff): void {
  const mirrored = new Map(records.map((r) => [r.id, r]));
  for (const source of sources) {
    const record = mirrored.get(source.id);
    if (!record) diff.missing.push(source.id);
    else if (!mirrorHolds(record, toMirrorRecord(source))) diff.drifted.push(source.id);
  }
}
