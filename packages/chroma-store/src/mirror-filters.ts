import { z } from "zod";
import { buildWhere, type ChromaWhere } from "./build-where.js";
import { AuthorityTierSchema, SourceStatusSchema, SourceTypeSchema } from "@kmcp/core";

function oneOrMany<T extends z.ZodType>(schema: T) {
  return z.union([schema, z.array(schema).min(1, "list at least one value, or leave the filter out").readonly()]);
}

/** Which sources to match: every given field must match; a list matches any of its values. */
export const MirrorFiltersSchema = z.strictObject({
  sourceType: oneOrMany(SourceTypeSchema).optional(),
  authorityTier: oneOrMany(AuthorityTierSchema).optional(),
  status: oneOrMany(SourceStatusSchema).optional(),
});

export type MirrorFilters = z.input<typeof MirrorFiltersSchema>;

export const MAX_FIND_LIMIT = 10_000;

/** Arguments of SourceMirror.find(). `limit` defaults to 100; results come in the mirror's storage order. */
export const FindSourcesOptionsSchema = z.strictObject({
  filters: MirrorFiltersSchema.optional(),
  limit: z.number().int().min(1).max(MAX_FIND_LIMIT).optional(),
  offset: z.number().int().min(0).optional(),
});

export type FindSourcesOptions = z.input<typeof FindSourcesOptionsSchema>;

/** The Chroma `where` for validated filters (undefined: match all). */
export function whereForFilters(filters: z.output<typeof MirrorFiltersSchema> | undefined): ChromaWhere | undefined {
  if (!filters) return undefined;
  return buildWhere({ sourceType: filters.sourceType, authorityTier: filters.authorityTier, status: filters.status });
}
