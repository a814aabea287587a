import type { ChromaStore, MirrorRecord } from "@kmcp/chroma-store";
import type { Db, Source } from "@kmcp/db";
import { mirrorHolds, toMirrorRecord } from "./to-mirror-record.js";

export interface MirrorDiff {
  /** In PostgreSQL, not in the mirror. */
  missing: string[];
  /** In the mirror, no longer in PostgreSQL. */
  extra: string[];
  /** In both, but the mirror's copy differs. */
  drifted: string[];
}

/** Pure: how the mirror differs from PostgreSQL's sources. */
export function diffMirror(sources: readonly Source[], records: readonly MirrorRecord[]): MirrorDiff {
  const mirrored = new Map(records.map((r) => [r.id, r]));
  const live = new Set(sources.map((s) => s.id));
  const diff: MirrorDiff = { missing: [], extra: [], drifted: [] };
  for (const source of sources) {
    const record = mirrored.get(source.id);
    if (!record) diff.missing.push(source.id);
    else if (!mirrorHolds(record, toMirrorRecord(source))) diff.drifted.push(source.id);
  }
  for (const record of records) if (!live.has(record.id)) diff.extra.push(record.id);
  return diff;
}

/** Compares every source in PostgreSQL with the mirror (reads both in full). */
export async function verifyMirror({ db, store }: { db: Db; store: ChromaStore }): Promise<MirrorDiff & { inSync: boolean }> {
  const sources = await db.prisma.source.findMany();
  const ids: string[] = [];
  for await (const id of store.sources.iterateIds({ pageSize: 5_000 })) ids.push(id);
  const records = await store.sources.getMany(ids);
  const diff = diffMirror(sources, records);
  return { ...diff, inSync: diff.missing.length + diff.extra.length + diff.drifted.length === 0 };
}
