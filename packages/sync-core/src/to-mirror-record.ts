import type { MirrorRecord, MirrorRecordInput } from "@kmcp/chroma-store";
import type { Source } from "@kmcp/db";

/** The fields of a Source the mirror keeps (dates as epoch ms). */
export function toMirrorRecord(source: Source): MirrorRecordInput {
  return {
    id: source.id,
    url: source.url,
    title: source.title,
    sourceType: source.sourceType,
    status: source.status,
    authorityTier: source.authorityTier,
    description: source.description,
    updatedAt: source.updatedAt.getTime(),
    lastCrawledAt: source.lastCrawledAt?.getTime() ?? null,
  };
}

/** True when the mirror already holds exactly this source (syncedAt aside). */
export function mirrorHolds(existing: MirrorRecord | undefined, wanted: MirrorRecordInput): boolean {
  if (!existing) return false;
  return (
    existing.url === wanted.url &&
    existing.title === wanted.title &&
    existing.sourceType === wanted.sourceType &&
    existing.status === wanted.status &&
    existing.authorityTier === wanted.authorityTier &&
    existing.description === (wanted.description ?? null) &&
    existing.updatedAt === wanted.updatedAt &&
    existing.lastCrawledAt === (wanted.lastCrawledAt ?? null)
  );
}
