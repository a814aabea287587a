import type { MirrorRecord } from "@kmcp/chroma-store";

/** A plain mirror record for unit tests: id and title default to the url. */
export const mirrorRecord = (url: string, title = url): MirrorRecord => ({
  id: url,
  url,
  title,
  sourceType: "blog",
  status: "active",
  authorityTier: "tier_2_trusted",
  description: null,
  updatedAt: 1,
  lastCrawledAt: null,
  syncedAt: 1,
});
