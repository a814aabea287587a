import { describe, expect, it } from "vitest";
import { capPerSource, fuseRankings, type FusionOptions } from "./fuse.js";

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

describe("capPerSource", () => {
  it("keeps the best of each source up to the cap, skips low scores, stops at the limit", () => {
    const ranked = [
      { id: "a1", source: "a", score: 0.9 },
      { id: "a2", source: "a", score: 0.8 },
      { id: "b1", source: "b", score: 0.7 },
      { id: "a3", source: "a", score: 0.6 },
      { id: "c1", source: "c", score: 0.2 },
    ];
    const ids = (kept: typeof ranked) => kept.map((r) => r.id);
    expect(ids(capPerSource(ranked, (r) => r.source, 1, 0))).toEqual(["a1", "b1", "c1"]);
    expect(ids(capPerSource(ranked, (r) => r.source, 2, 0.5))).toEqual(["a1", "a2", "b1"]);
    expect(ids(capPerSource(ranked, (r) => r.source, 3, 0, 2))).toEqual(["a1", "a2"]);
  });
});
