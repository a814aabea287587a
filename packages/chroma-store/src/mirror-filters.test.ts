import { describe, expect, it } from "vitest";
import { FindSourcesOptionsSchema, MirrorFiltersSchema, whereForFilters } from "./mirror-filters.js";

describe("mirror filters", () => {
  it("builds one $and over the given fields, lists as $in", () => {
    const filters = MirrorFiltersSchema.parse({ sourceType: ["blog", "repository"], status: "active", authorityTier: "tier_1_canonical" });
    expect(whereForFilters(filters)).toEqual({
      $and: [
        { sourceType: { $in: ["blog", "repository"] } },
        { authorityTier: { $eq: "tier_1_canonical" } },
        { status: { $eq: "active" } },
      ],
    });
    expect(whereForFilters(MirrorFiltersSchema.parse({}))).toBeUndefined();
    expect(whereForFilters(undefined)).toBeUndefined();
  });

  it("rejects unknown values, empty lists and unknown keys", () => {
    expect(MirrorFiltersSchema.safeParse({ sourceType: "podcast" }).success).toBe(false);
    expect(MirrorFiltersSchema.safeParse({ status: [] }).success).toBe(false);
    expect(MirrorFiltersSchema.safeParse({ url: "x" }).success).toBe(false);
  });

  it("bounds limit and offset", () => {
    expect(FindSourcesOptionsSchema.safeParse({ limit: 0 }).success).toBe(false);
    expect(FindSourcesOptionsSchema.safeParse({ limit: 10_001 }).success).toBe(false);
    expect(FindSourcesOptionsSchema.safeParse({ offset: -1 }).success).toBe(false);
    expect(FindSourcesOptionsSchema.safeParse({ limit: 10, offset: 5 }).success).toBe(true);
  });
});
