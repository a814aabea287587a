import { AuthorityTierSchema, type AuthorityTier } from "@kmcp/core";
import { z } from "zod";

/**
 * How much each authority tier's results count: score = relevance × weight. A canonical source
 * wins a tie with a community one, but a clearly more relevant community source still ranks
 * first (a community match more than 25% more relevant than a canonical one outranks it).
 */
export const DEFAULT_TIER_WEIGHTS: Readonly<Record<AuthorityTier, number>> = Object.freeze({
  tier_1_canonical: 1,
  tier_2_trusted: 0.9,
  tier_3_community: 0.8,
});

const WeightSchema = z.number().gt(0, "must be above 0").max(10, "must be at most 10");

/** Weights for some or all tiers; tiers left out keep their default. */
export const TierWeightsSchema = z
  .partialRecord(AuthorityTierSchema, WeightSchema)
  .transform((weights): Record<AuthorityTier, number> => ({ ...DEFAULT_TIER_WEIGHTS, ...weights }));
export type TierWeights = z.input<typeof TierWeightsSchema>;

/**
 * Weights written as `tier_1_canonical=1,tier_3_community=0.5` (the form of KMCP_SEARCH_TIER_WEIGHTS).
 * @returns the parsed weights, or a message saying what is wrong.
 */
export function parseTierWeights(text: string): { ok: true; weights: Record<AuthorityTier, number> } | { ok: false; message: string } {
  const entries: [string, number][] = [];
  for (const part of text.split(",").map((p) => p.trim()).filter(Boolean)) {
    const match = /^([a-z0-9_]+)\s*=\s*(\S+)$/.exec(part);
    if (!match) return { ok: false, message: `"${part}" is not tier=weight` };
    entries.push([match[1] as string, Number(match[2])]);
  }
  const parsed = TierWeightsSchema.safeParse(Object.fromEntries(entries));
  if (!parsed.success) {
    return { ok: false, message: parsed.error.issues.map((issue) => `${issue.path.join(".") || "weights"}: ${issue.message}`).join("; ") };
  }
  return { ok: true, weights: parsed.data };
}
