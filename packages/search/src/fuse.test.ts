import { describe, expect, it } from "vitest";
import { fuseRankings, type FusionOptions } from "./fuse.js";

const c = (id: string, sourceId = id) => ({ id, sourceId });
const options: FusionOptions = { k: 60, weights: { lexical: 1, vector: 1 }, perSource: 3, minScore: 0, limit: 10, tierWeight: () => 1 };

describe("fuseRankings", () => {
  it("ranks a chunk both lists agree on first, scaled so first in both lists is 1", () => {
    const fused = fuseRankings([c("a"), c("b")], [c("b"), c("c")], options);
    expect(fused.map((f) => f.id)).toEqual(["b", "a", "c"]);
    expect(fused[0]).toMatchObject({ lexicalRank: 2, vectorRank: 1 });
    expect(fuseRankings([c("a")], [c("a")], options)[0]!.relevance).toBeCloseTo(1, 12);
    expect(fused.find((f) => f.id === "c")).toMatchObject({ lexicalRank: null, vectorRank: 2 });
  });

  it("weights the lists: a heavier lexical list wins the first place", () => {
    const weighted = fuseRankings([c("a"), c("b")], [c("b"), c("a")], { ...options, weights: { lexical: 3, vector: 1 } });
    expect(weighted.map((f) => f.id)).toEqual(["a", "b"]);
  });

  it("leaves out a list of weight 0 (one-list modes)", () => {
    const lexicalOnly = fuseRankings([c("a")], [c("z")], { ...options, weights: { lexical: 1, vector: 0 } });
    expect(lexicalOnly.map((f) => f.id)).toEqual(["a"]);
    expect(lexicalOnly[0]!.relevance).toBeCloseTo(1, 12);
  });

  it("multiplies by the tier weight, caps passages per source, drops scores below minScore, then cuts at limit", () => {
    const tier = (sourceId: string) => (sourceId === "community" ? 0.5 : 1);
    const lexical = [c("x1", "community"), c("d1", "doc"), c("d2", "doc"), c("d3", "doc"), c("d4", "doc")];
    const fused = fuseRankings(lexical, [], { ...options, weights: { lexical: 1, vector: 0 }, tierWeight: tier });
    expect(fused.map((f) => f.id)).toEqual(["d1", "d2", "d3", "x1"]);
    expect(fused.at(-1)).toMatchObject({ tierWeight: 0.5 });
    expect(fused.at(-1)!.score).toBeCloseTo(0.5, 12);
    expect(fuseRankings(lexical, [], { ...options, weights: { lexical: 1, vector: 0 }, tierWeight: tier, minScore: 0.6 }).map((f) => f.id)).toEqual(["d1", "d2", "d3"]);
    expect(fuseRankings(lexical, [], { ...options, perSource: 1, limit: 1 }).map((f) => f.id)).toEqual(["x1"]);
  });

  it("breaks ties by chunk id and counts a chunk listed twice once", () => {
    expect(fuseRankings([c("b")], [c("a")], options).map((f) => f.id)).toEqual(["a", "b"]);
    expect(fuseRankings([c("a"), c("a")], [], options)).toHaveLength(1);
  });
});
