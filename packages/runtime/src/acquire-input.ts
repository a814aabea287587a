import { AuthorityTierSchema, MAX_TITLE_LENGTH, SourceTypeSchema } from "@kmcp/core";
import { z } from "zod";

/**
 * What a person or an assistant may say about the source `acquire` or `crawl` creates or updates:
 * one definition, so `kmcp acquire`'s flags and knowledge_acquire's arguments refuse the same input.
 */
export const AcquireInputSchema = z.strictObject({
  /** Default: the document's own title. */
  title: z.string().min(1).max(MAX_TITLE_LENGTH).optional(),
  /** Default for a new source: documentation. */
  sourceType: SourceTypeSchema.optional(),
  /** Default for a new source: tier_2_trusted. */
  authorityTier: AuthorityTierSchema.optional(),
});
