import { mirrorHolds, toMirrorRecord, type MirrorRecord, type MirrorRecordInput } from "@kmcp/chroma-store";
import type { SourceChange } from "@kmcp/db";

export interface BatchPlan {
  upserts: MirrorRecordInput[];
  /** Ids to remove that the mirror holds. */
  deletes: string[];
  /** Changes the mirror already reflects (nothing to write). */
  unchanged: number;
}

/**
 * Decides what one page of the change feed means for the mirror, given what the mirror holds
 * for those ids. Pure: the runner does the reads and writes.
 */
export function planBatch(changes: readonly SourceChange[], mirrored: ReadonlyMap<string, MirrorRecord>): BatchPlan {
  const plan: BatchPlan = { upserts: [], deletes: [], unchanged: 0 };
  for (const change of changes) {
    if (change.kind === "delete") {
      if (mirrored.has(change.id)) plan.deletes.push(change.id);
      else plan.unchanged += 1;
      continue;
    }
    const record = toMirrorRecord(change.source);
    if (mirrorHolds(mirrored.get(record.id), record)) plan.unchanged += 1;
    else plan.upserts.push(record);
  }
  return plan;
}

/** Ids a change page touches (to read what the mirror holds for them). */
export function changedIds(changes: readonly SourceChange[], options: { deletesOnly?: boolean } = {}): string[] {
  return changes.flatMap((c) => (c.kind === "delete" ? [c.id] : options.deletesOnly ? [] : [c.source.id]));
}
