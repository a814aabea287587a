import { describe, expect, it } from "vitest";
import { DEFAULT_TIER_WEIGHTS, parseTierWeights, TierWeightsSchema } from "./tier-weights.js";

describe("tier weights", () => {
  it("fills tiers left out with their defaults", () => {
    expect(TierWeightsSchema.parse({ tier_3_community: 0.5 })).toEqual({ ...DEFAULT_TIER_WEIGHTS, tier_3_community: 0.5 });
  });

  it("parses the environment form and says what is wrong", () => {
    expect(parseTierWeights(" tier_1_canonical = 2 ,tier_2_trusted=1")).toEqual({
      ok: true,
      weights: { tier_1_canonical: 2, tier_2_trusted: 1, tier_3_community: 0.8 },
    });
    expect(parseTierWeights("tier_1_canonical")).toMatchObject({ ok: false, message: expect.stringContaining("tier=weight") });
    expect(parseTierWeights("tier_4=1")).toMatchObject({ ok: false });
    expect(parseTierWeights("tier_1_canonical=-1")).toMatchObject({ ok: false, message: expect.stringContaining("above 0") });
    expect(parseTierWeights("tier_1_canonical=NaN")).toMatchObject({ ok: false });
  });
});
