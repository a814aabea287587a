import type { ChromaStore, ChunkRecord, MirrorRecord, VectorSpace } from "@kmcp/chroma-store";
import { fuseRankings, SEARCH_CANDIDATES, type FusedCandidate, type FusionOptions, type RankedCandidate } from "./fuse.js";
import type { LiveLexicalIndex } from "./live-lexical-index.js";
import { holdsPhrases } from "./parse-query.js";

export type SearchMode = "hybrid" | "lexical" | "vector";

export interface HybridRankingInput {
  /** The query without its quotes, and its quoted phrases (lower-cased). */
  text: string;
  phrases: string[];
  /** The query's vector (hybrid mode only). */
  vector: number[] | null;
  space: VectorSpace;
  limit: number;
  /** The fusion of the search's mode (fusionForMode: lexical mode's leaves the vector list out). */
  fusion: Omit<FusionOptions, "limit" | "tierWeight">;
  tierWeights: Record<MirrorRecord["authorityTier"], number>;
  /** Whether a source may appear (known to the mirror, not archived, matching the filters). */
  eligible: (source: MirrorRecord | null | undefined) => source is MirrorRecord;
}

export interface HybridRanking {
  kept: FusedCandidate[];
  sources: Map<string, MirrorRecord | null>;
  /** Chunks read whole while ranking (those written since the keyword index last caught up): the kept ones need no second read. */
  records: Map<string, ChunkRecord>;
}

const MAX_DEPTH = 10_000;

/** Adds to `sources` the records of the candidates' sources it does not hold yet (null for a source the mirror lacks), in one read. */
export async function readSources(
  mirror: Pick<ChromaStore["sources"], "getMany">,
  candidates: readonly { sourceId: string }[],
  sources: Map<string, MirrorRecord | null>,
): Promise<void> {
  const unknown = [...new Set(candidates.map((c) => c.sourceId))].filter((id) => !sources.has(id));
  const found = new Map((await mirror.getMany(unknown)).map((record) => [record.id, record]));
  for (const id of unknown) sources.set(id, found.get(id) ?? null);
}

/**
 * The vector matches with their sources, from the keyword index, scored by cosine similarity (from
 * Chroma's cosine distance: what "scores" fusion combines); a chunk the index does not hold yet
 * (written since its last refresh) is read from Chroma into `records`, and one gone meanwhile is left out.
 * A match that is also a keyword hit takes its source from that hit; only the others are looked
 * up, one index read each.
 */
async function withSources(
  chunks: Pick<ChromaStore["chunks"], "records">,
  live: LiveLexicalIndex,
  matches: readonly { id: string; distance: number }[],
  records: Map<string, ChunkRecord>,
  lexical: readonly RankedCandidate[],
): Promise<RankedCandidate[]> {
  const known = new Map(lexical.map((hit) => [hit.id, hit.sourceId]));
  for (const [id, sourceId] of live.index.sourceIdsOf(matches.flatMap((m) => (known.has(m.id) ? [] : [m.id])))) known.set(id, sourceId);
  const unread = matches.filter((m) => !known.has(m.id) && !records.has(m.id)).map((m) => m.id);
  if (unread.length > 0) for (const record of await chunks.records(unread)) records.set(record.id, record);
  return matches.flatMap(({ id, distance }) => {
    const sourceId = known.get(id) ?? records.get(id)?.sourceId;
    return sourceId === undefined ? [] : [{ id, sourceId, score: 1 - distance }];
  });
}

/**
 * The lexical and (in hybrid mode) vector candidates, restricted to eligible sources and to
 * chunks holding the quoted phrases, fused. Candidate lists grow until `limit` results survive
 * the filters or no list has more to give.
 */
export async function rankHybrid(
  store: { chunks: ChromaStore["chunks"]; sources: Pick<ChromaStore["sources"], "getMany"> },
  live: LiveLexicalIndex,
  input: HybridRankingInput,
): Promise<HybridRanking> {
  const { text, phrases, vector, space, limit, fusion, tierWeights, eligible } = input;
  const { weights } = fusion;
  const sources = new Map<string, MirrorRecord | null>();
  // Texts read for the phrase checks, kept across rounds so none is read twice.
  const texts = new Map<string, string>();
  const records = new Map<string, ChunkRecord>();

  for (let depth = Math.max(SEARCH_CANDIDATES, limit * fusion.perSource * 2); ; depth = Math.min(depth * 4, MAX_DEPTH)) {
    // The vector candidates come as ids and distances only: their metadata and texts are most of
    // Chroma's work for a query, and the ranking needs only each one's source, which the keyword
    // index holds. The kept ones' texts are read after, in one request for the page.
    const querying = weights.vector > 0 && vector ? store.chunks.nearest(space, vector, { limit: depth }) : null;
    // Chroma answers the vector query while this process ranks the keywords (synchronous work):
    // the request is sent first (one turn of the event loop), and a failure is awaited below.
    if (querying && weights.lexical > 0) {
      querying.catch(() => {});
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    const lexical = weights.lexical > 0 ? live.index.search(text, { limit: depth, phrases }) : [];
    const found = querying ? await querying : [];
    const nearest = await withSources(store.chunks, live, found, records, lexical);
    for (const record of records.values()) texts.set(record.id, record.text);
    await readSources(store.sources, [...lexical, ...nearest], sources);

    const keep = (list: readonly RankedCandidate[]) => list.filter((c) => eligible(sources.get(c.sourceId)));
    let lexicalKept = keep(lexical);
    let vectorKept = keep(nearest);
    if (phrases.length > 0) {
      const unread = [...new Set([...lexicalKept, ...vectorKept].map((c) => c.id))].filter((id) => !texts.has(id));
      for (const [id, t] of await store.chunks.texts(unread)) texts.set(id, t);
      const holds = (c: RankedCandidate) => holdsPhrases(texts.get(c.id) ?? "", phrases);
      lexicalKept = lexicalKept.filter(holds);
      vectorKept = vectorKept.filter(holds);
    }
    const kept = fuseRankings(lexicalKept, vectorKept, {
      ...fusion,
      limit,
      tierWeight: (sourceId) => {
        const source = sources.get(sourceId);
        return source ? tierWeights[source.authorityTier] : 0;
      },
    });
    const exhausted = lexical.length < depth && found.length < depth;
    if (kept.length >= limit || exhausted || depth >= MAX_DEPTH) return { kept, sources, records };
  }
}
