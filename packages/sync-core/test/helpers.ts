import type { Db } from "@kmcp/db";

export { isolatedStore, migratedDb } from "@kmcp/testing-kmcp";

const TYPES = ["website", "documentation", "standards_body", "blog", "repository"] as const;
const TIERS = ["tier_1_canonical", "tier_2_trusted", "tier_3_community"] as const;
const STATUSES = ["pending", "active", "failed", "archived"] as const;

/** `count` varied sources, inserted in one statement (triggers still stamp each row). */
export async function seedSources(db: Db, count: number, prefix = "seed"): Promise<void> {
  await db.prisma.source.createMany({
    data: Array.from({ length: count }, (_, i) => ({
      url: `https://${prefix}-${i}.example.test/${i % 7 === 0 ? "Guide" : "docs"}`,
      title: `${i % 11 === 0 ? "Networking" : "Topic"} ${prefix} ${i}`,
      sourceType: TYPES[i % TYPES.length]!,
      authorityTier: TIERS[i % TIERS.length]!,
      status: STATUSES[i % STATUSES.length]!,
      description: i % 3 === 0 ? `About ${i}` : null,
      lastCrawledAt: i % 5 === 0 ? new Date(1_700_000_000_000 + i) : null,
    })),
  });
}
