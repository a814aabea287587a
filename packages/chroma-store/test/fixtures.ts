import type { AuthorityTier, SourceStatus, SourceType } from "@kmcp/core";
import type { MirrorRecordInput } from "../src/index.js";

export const SOURCE_TYPES: SourceType[] = ["website", "documentation", "standards_body", "blog", "repository"];
export const STATUSES: SourceStatus[] = ["pending", "active", "failed", "archived"];
export const TIERS: AuthorityTier[] = ["tier_1_canonical", "tier_2_trusted", "tier_3_community"];

/** `count` distinct sources whose fields cycle through every value, half with nulls. */
export function makeSources(count: number, idPrefix = "src"): Required<Omit<MirrorRecordInput, "syncedAt">>[] {
  return Array.from({ length: count }, (_, i) => ({
    id: `${idPrefix}-${String(i).padStart(5, "0")}`,
    url: `https://example.org/${idPrefix}/${i}`,
    title: `Source ${i}`,
    sourceType: SOURCE_TYPES[i % SOURCE_TYPES.length] as SourceType,
    status: STATUSES[i % STATUSES.length] as SourceStatus,
    authorityTier: TIERS[i % TIERS.length] as AuthorityTier,
    description: i % 2 === 0 ? `About source ${i}` : null,
    updatedAt: 1_700_000_000_000 + i,
    lastCrawledAt: i % 3 === 0 ? null : 1_690_000_000_000 + i,
  }));
}
