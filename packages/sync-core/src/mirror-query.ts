import type { MirrorFilters } from "@kmcp/chroma-store";
import type { SourceListQuerySchema } from "@kmcp/core";
import type { z } from "zod";

export type ParsedListQuery = z.output<typeof SourceListQuerySchema>;

/** The filters Chroma can apply itself; the rest (text, order, cursor) is done in memory (compact-mirror.ts). */
export function mirrorFilters(query: Pick<ParsedListQuery, "sourceType" | "authorityTier" | "status">): MirrorFilters {
  const filters: MirrorFilters = {};
  if (query.sourceType) filters.sourceType = query.sourceType;
  if (query.authorityTier) filters.authorityTier = query.authorityTier;
  if (query.status) filters.status = query.status;
  return filters;
}
