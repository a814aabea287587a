/** A candidate from one ranked list (lexical or vector), best first. */
export interface RankedCandidate {
  id: string;
  sourceId: string;
  /** The list's own score, higher is better (BM25, cosine similarity): what "scores" fusion combines (missing counts as 0). */
  score?: number;
}

/**
 * How two ranked lists become one: `scores`, a weighted sum of each list's scores divided by its
 * best score (a chunk missing from a list gets that list's last score, the most it could have);
 * `rrf`, weighted reciprocal rank fusion (a rank r contributes weight / (k + r)).
 */
export const FUSION_METHODS = ["scores", "rrf"] as const;
export type FusionMethod = (typeof FUSION_METHODS)[number];

export interface FusionOptions {
  method: FusionMethod;
  /** RRF constant (method `rrf` only). Default 5. */
  k: number;
  /** Weight of each list; a list of weight 0 is left out (lexical-only or vector-only search). */
  weights: { lexical: number; vector: number };
  /**
   * Share of a chunk's relevance taken from the best other chunk of its source in the fused lists
   * (0 to 1): a passage whose document matches elsewhere too is the likelier answer. Default 0.1.
   */
  sourceEvidence: number;
  /** At most this many passages per source (default 3). */
  perSource: number;
  /** Results scoring below this are dropped (default 0). */
  minScore: number;
  limit: number;
  /** The authority-tier weight of a source (from the mirror). */
  tierWeight: (sourceId: string) => number;
}

/** One fused result, with why it ranks where it does. */
export interface FusedCandidate {
  id: string;
  sourceId: string;
  /** relevance × tierWeight: what results are ordered by. */
  score: number;
  /** The fused score scaled to 0..1: 1 = first in every list that counts (and, with source evidence, so is another chunk of its source). */
  relevance: number;
  tierWeight: number;
  /** 1-based rank in each list; null when the chunk is not among that list's candidates. */
  lexicalRank: number | null;
  vectorRank: number | null;
}

// Chosen on the tuning half of the evaluation set with the local embedder (README: "Evaluation"):
// score fusion with lexical 0.7 : vector 0.3 and source evidence 0.1 had the best tuning-half
// MRR@10 (0.848, held-out 0.845) where the best rank fusion had 0.842 (held-out 0.836); the
// neighbourhood (lexical share 0.65–0.75, evidence 0.05–0.15) is within 0.005 on both halves.
// Scores keep how far ahead a list's first chunk is, which ranks throw away. k applies to `rrf`
// (k = 5 with 1.5 : 1 was its best; at k = 2 tier weights no longer decide near-ties). The local
// embedder's vectors carry no IDF, so the lexical list leads; a semantic embedder may want other
// settings (KMCP_SEARCH_FUSION, KMCP_SEARCH_FUSION_K, KMCP_SEARCH_*_WEIGHT, KMCP_SEARCH_SOURCE_EVIDENCE).
export const DEFAULT_FUSION = { method: "scores", k: 5, weights: { lexical: 0.7, vector: 0.3 }, sourceEvidence: 0.1, perSource: 3, minScore: 0 } as const;

/** The settings that decide how lists are fused (the rest of FusionOptions cuts the result). */
export type FusionSettings = Pick<FusionOptions, "method" | "k" | "weights" | "sourceEvidence">;

/**
 * The fusion a search in `mode` uses: hybrid mode the settings as given; lexical mode BM25's own
 * order (its one list's ranks, no source evidence), whatever hybrid's settings are.
 */
export function fusionForMode<T extends FusionSettings>(mode: "hybrid" | "lexical", settings: T): T {
  if (mode === "hybrid") return settings;
  return { ...settings, method: "rrf", sourceEvidence: 0, weights: { lexical: settings.weights.lexical || 1, vector: 0 } };
}

type Which = "lexicalRank" | "vectorRank";

/**
 * Fusion of a lexical and a vector ranking (FusionOptions.method), plus source evidence, then ×
 * the source's tier weight, then at most `perSource` passages per source, then `minScore`, then
 * `limit`. Pure: the same lists and options always give the same answer (ties broken by chunk id).
 */
export function fuseRankings(lexical: readonly RankedCandidate[], vector: readonly RankedCandidate[], options: FusionOptions): FusedCandidate[] {
  const { method, k, weights, sourceEvidence, perSource, minScore, limit, tierWeight } = options;
  const best = (weights.lexical > 0 ? weights.lexical : 0) + (weights.vector > 0 ? weights.vector : 0);
  if (best <= 0 || limit <= 0) return [];
  const fused = new Map<string, FusedCandidate>();
  const lists: [readonly RankedCandidate[], number, Which][] = [
    [lexical, weights.lexical, "lexicalRank"],
    [vector, weights.vector, "vectorRank"],
  ];
  for (const [list, weight, which] of lists) {
    if (weight <= 0) continue;
    list.forEach((candidate, i) => {
      let entry = fused.get(candidate.id);
      if (!entry) {
        entry = { id: candidate.id, sourceId: candidate.sourceId, score: 0, relevance: 0, tierWeight: tierWeight(candidate.sourceId), lexicalRank: null, vectorRank: null };
        fused.set(candidate.id, entry);
      }
      if (entry[which] === null) entry[which] = i + 1; // a list names a chunk once; keep its best rank
    });
  }
  const ranked = [...fused.values()];
  for (const [list, weight, which] of lists) {
    if (weight <= 0 || list.length === 0) continue;
    const share = method === "rrf" ? (weight * (k + 1)) / best : weight / best;
    if (method === "rrf") {
      for (const entry of ranked) if (entry[which] !== null) entry.relevance += share / (k + entry[which]);
      continue;
    }
    const top = list.reduce((max, c) => Math.max(max, c.score ?? 0), 0);
    const scaled = (candidate: RankedCandidate | undefined) => (top > 0 ? Math.min(1, Math.max(0, (candidate?.score ?? 0) / top)) : 0);
    const floor = scaled(list.at(-1));
    for (const entry of ranked) entry.relevance += share * (entry[which] === null ? floor : scaled(list[entry[which] - 1]));
  }
  if (sourceEvidence > 0) addSourceEvidence(ranked, sourceEvidence);
  for (const entry of ranked) entry.score = entry.relevance * entry.tierWeight;
  ranked.sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));

  return capPerSource(ranked, (entry) => entry.sourceId, perSource, minScore, limit);
}

/** relevance ← (relevance + share × the best relevance among its source's other chunks) / (1 + share). */
function addSourceEvidence(entries: FusedCandidate[], share: number): void {
  const top = new Map<string, [first: number, second: number]>();
  for (const { sourceId, relevance } of entries) {
    const pair = top.get(sourceId) ?? [0, 0];
    if (relevance > pair[0]) top.set(sourceId, [relevance, pair[0]]);
    else if (relevance > pair[1]) top.set(sourceId, [pair[0], relevance]);
    else top.set(sourceId, pair);
  }
  // Read every best pair before changing any relevance.
  const others = entries.map(({ sourceId, relevance }) => {
    const [first, second] = top.get(sourceId)!;
    return relevance === first ? second : first;
  });
  entries.forEach((entry, i) => (entry.relevance = (entry.relevance + share * others[i]!) / (1 + share)));
}

/**
 * The first `limit` of `ranked` (best first) scoring at least `minScore`, at most `perSource` of
 * one source: the cut shared by hybrid and vector search.
 */
export function capPerSource<T extends { score: number }>(
  ranked: readonly T[],
  sourceOf: (item: T) => string,
  perSource: number,
  minScore: number,
  limit = Infinity,
): T[] {
  const seen = new Map<string, number>();
  const kept: T[] = [];
  for (const item of ranked) {
    if (kept.length >= limit) break;
    if (item.score < minScore) continue;
    const count = seen.get(sourceOf(item)) ?? 0;
    if (count >= perSource) continue;
    seen.set(sourceOf(item), count + 1);
    kept.push(item);
  }
  return kept;
}

/** How many candidates each list contributes to the fusion (and the evaluation uses). */
export const SEARCH_CANDIDATES = 100;
