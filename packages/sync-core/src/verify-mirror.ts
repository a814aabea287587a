import { mirrorHolds, toMirrorRecord, type ChromaStore } from "@kmcp/chroma-store";
import type { Source } from "@kmcp/core";
import type { Db } from "@kmcp/db";

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
 * repository (only ids are held for the whole run).
 */
export async function verifyMirror({ db, store }: { db: Pick<Db, "sources">; store: Pick<ChromaStore, "sources"> }): Promise<MirrorDiff & { inSync: boolean }> {
  const diff: MirrorDiff = { missing: [], extra: [], drifted: [] };
  const live = new Set<string>();
  let cursor: string | undefined;
  do {
    const page = await db.sources.list({ limit: PAGE, ...(cursor ? { cursor } : {}) });
    compare(page.items, await store.sources.getMany(page.items.map((s) => s.id)), diff);
    for (const source of page.items) live.add(source.id);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  for await (const id of store.sources.iterateIds({ pageSize: 5_000 })) if (!live.has(id)) diff.extra.push(id);
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
