import { describe, expect, it } from "vitest";
import { capPerSource, DEFAULT_FUSION, fuseRankings, fusionForMode, type FusionOptions } from "./fuse.js";

const c = (id: string, sourceId = id) => ({ id, sourceId });
const options: FusionOptions = { method: "rrf", sourceEvidence: 0, k: 60, weights: { lexical: 1, vector: 1 }, perSource: 3, minScore: 0, limit: 10, tierWeight: () => 1 };

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

describe("fuseRankings with scores", () => {
  const s = (id: string, score: number, sourceId = id) => ({ id, sourceId, score });
  const scores: FusionOptions = { ...options, method: "scores", weights: { lexical: 0.7, vector: 0.3 } };

  it("lets the other list's margin decide a near-tie, where ranks let the heavier list decide", () => {
    const lexical = [s("a", 10), s("b", 9.9)];
    const vector = [s("b", 0.9), s("a", 0.3)];
    expect(fuseRankings(lexical, vector, scores).map((f) => f.id)).toEqual(["b", "a"]);
    expect(fuseRankings(lexical, vector, { ...scores, method: "rrf" }).map((f) => f.id)).toEqual(["a", "b"]);
  });

  it("divides each list's scores by its best, gives a chunk missing from a list that list's last score, and scales first in both to 1", () => {
    const fused = fuseRankings([s("a", 10), s("b", 5)], [s("c", 0.5), s("b", 0.25)], { ...scores, weights: { lexical: 1, vector: 1 } });
    const relevance = Object.fromEntries(fused.map((f) => [f.id, f.relevance]));
    expect(relevance.a).toBeCloseTo((1 + 0.25 / 0.5) / 2, 12);
    expect(relevance.b).toBeCloseTo((0.5 + 0.5) / 2, 12);
    expect(relevance.c).toBeCloseTo((5 / 10 + 1) / 2, 12);
    expect(fuseRankings([s("a", 3)], [s("a", 0.4)], scores)[0]!.relevance).toBeCloseTo(1, 12);
  });

  it("counts scores of 0 or below as no match (a list whose best is not positive adds nothing)", () => {
    const fused = fuseRankings([s("a", 2)], [s("b", -0.1), s("a", -0.2)], { ...scores, weights: { lexical: 1, vector: 1 } });
    expect(fused.map((f) => [f.id, f.relevance])).toEqual([
      ["a", 0.5],
      ["b", 0.5],
    ]);
  });

  it("adds source evidence: a passage whose source matches elsewhere too overtakes a lone one", () => {
    const lexical = [s("x1", 10, "x"), s("y1", 9.5, "y"), s("y2", 9, "y")];
    const lexicalOnly = { ...scores, weights: { lexical: 1, vector: 0 } };
    expect(fuseRankings(lexical, [], lexicalOnly).map((f) => f.id)).toEqual(["x1", "y1", "y2"]);
    const withEvidence = fuseRankings(lexical, [], { ...lexicalOnly, sourceEvidence: 0.1 });
    expect(withEvidence.map((f) => f.id)).toEqual(["y1", "x1", "y2"]);
    expect(withEvidence[0]!.relevance).toBeCloseTo((0.95 + 0.1 * 0.9) / 1.1, 12);
    expect(withEvidence[1]!.relevance).toBeCloseTo(1 / 1.1, 12);
  });
});

describe("fusionForMode", () => {
  it("keeps hybrid's settings in hybrid mode and BM25's own order in lexical mode", () => {
    const hybrid = { ...DEFAULT_FUSION, weights: { lexical: 0.7, vector: 0.3 } };
    expect(fusionForMode("hybrid", hybrid)).toBe(hybrid);
    expect(fusionForMode("lexical", hybrid)).toEqual({ ...hybrid, method: "rrf", sourceEvidence: 0, weights: { lexical: 0.7, vector: 0 } });
    // A lexical weight of 0 (vector-only hybrid settings) still leaves lexical mode its list.
    expect(fusionForMode("lexical", { ...hybrid, weights: { lexical: 0, vector: 1 } }).weights).toEqual({ lexical: 1, vector: 0 });
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
