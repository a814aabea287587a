import type { ChromaStore, ChunkMatch, ChunkRecord, MirrorRecord, SourceMirror } from "@kmcp/chroma-store";
import type { z } from "zod";
import type { Embedder } from "./embedder.js";
import { capPerSource, DEFAULT_FUSION, fusionForMode, type FusedCandidate, type FusionMethod, type FusionSettings } from "./fuse.js";
import { rankHybrid, readSources, type SearchMode } from "./hybrid-ranking.js";
import type { LexicalSnapshotStore } from "./lexical-snapshot.js";
import { createLiveLexicalIndex } from "./live-lexical-index.js";
import { parseInput } from "./parse-input.js";
import { parseQuery } from "./parse-query.js";
import { SearchQuerySchema, type EmptyReason, type Explain, type SearchQuery, type SearchResponse, type SearchResult } from "./search-schemas.js";
import { TierWeightsSchema, type TierWeights } from "./tier-weights.js";
import { assertSameSpace } from "./vector-space.js";

export interface SearchStats {
  chunks: number;
  /** Sources with at least one chunk. */
  sources: number;
  /** The vector space of the chunk collection; null before anything was ingested. */
  embedder: string | null;
  dimension: number | null;
}

export interface Search {
  /**
   * Chunks nearest to the query, ranked by relevance × tier weight. Filtering and weighting use
   * the sources mirror, never PostgreSQL, so answers are the same whether it is up or not.
   * Chunks whose source is archived, or not (yet) in the mirror, are left out.
   * @throws {SearchError} `VALIDATION`, `EMBEDDER`, `EMBEDDER_MISMATCH`; ChromaStoreError passes through.
   */
  search(query: SearchQuery): Promise<SearchResponse>;
  stats(): Promise<SearchStats>;
  /**
   * Build the keyword index now (from its snapshot and Chroma), so the first hybrid search does
   * not wait for it; a long-running server calls it at start. A search meanwhile shares the build.
   */
  warm(): Promise<void>;
}

export interface SearchDeps {
  store: Pick<ChromaStore, "chunks" | "sources">;
  /**
   * Where the candidates' source records are read (default `store.sources`): e.g.
   * SourceCatalog.mirrorRecords, which answers from the in-memory copy of the mirror.
   */
  mirror?: Pick<SourceMirror, "getMany">;
  embedder: Embedder;
  /** Default: DEFAULT_TIER_WEIGHTS. */
  tierWeights?: TierWeights;
  /** When the mirror last matched PostgreSQL; usually OfflineSyncManager.mirrorAsOf. */
  mirrorAsOf?: () => Promise<Date | null>;
  /** Hybrid search's fusion method, RRF constant, list weights and source evidence (default DEFAULT_FUSION, chosen on the evaluation set). */
  fusion?: { method?: FusionMethod; k?: number; weights?: { lexical?: number; vector?: number }; sourceEvidence?: number };
  /** How often the in-memory lexical index checks Chroma for chunks written by any process (default 1,000 ms). */
  lexicalRefreshMs?: number;
  /** Where to keep the lexical index between processes, so a new process starts faster (e.g. createFileSnapshotStore). */
  lexicalSnapshot?: LexicalSnapshotStore;
  /** Told when that snapshot cannot be read or written (search goes on, building the index from Chroma). */
  onLexicalSnapshotError?: (error: unknown) => void;
}

// The first query asks for this many candidates per wanted result; later ones four times more.
const OVERFETCH = 4;
const MIN_CANDIDATES = 40;
const MAX_CANDIDATES = 100_000;

type Candidate = Omit<SearchResult, "rank">;

export function createSearch({ store: chromaStore, mirror, embedder, tierWeights, mirrorAsOf, fusion, lexicalRefreshMs, lexicalSnapshot, onLexicalSnapshotError }: SearchDeps): Search {
  const store = { chunks: chromaStore.chunks, sources: mirror ?? chromaStore.sources };
  const weights = parseInput(TierWeightsSchema, tierWeights ?? {}, "tier weights");
  const maxWeight = Math.max(...Object.values(weights));
  const fusionParams = {
    method: fusion?.method ?? DEFAULT_FUSION.method,
    k: fusion?.k ?? DEFAULT_FUSION.k,
    sourceEvidence: fusion?.sourceEvidence ?? DEFAULT_FUSION.sourceEvidence,
    weights: { lexical: fusion?.weights?.lexical ?? DEFAULT_FUSION.weights.lexical, vector: fusion?.weights?.vector ?? DEFAULT_FUSION.weights.vector },
  };
  // The space this embedder makes, when known up front: the chunk store's cached collection
  // handle then answers space() without a request (the query checks the space it reads anyway).
  const expectedSpace = embedder.dimension === undefined ? undefined : { embedder: embedder.id, dimension: embedder.dimension };
  const live = createLiveLexicalIndex({
    chunks: store.chunks,
    ...(lexicalRefreshMs === undefined ? {} : { refreshMs: lexicalRefreshMs }),
    ...(lexicalSnapshot ? { snapshot: lexicalSnapshot } : {}),
    ...(onLexicalSnapshotError ? { onSnapshotError: onLexicalSnapshotError } : {}),
  });

  return {
    async search(input) {
      const query = parseInput(SearchQuerySchema, input, "search");
      // Read together: when Chroma is down both fail, and Promise.all handles the rejection it does
      // not return (a freshness read left pending and failing unobserved crashed the process).
      const [space, mirrorTime] = await Promise.all([store.chunks.space(expectedSpace), mirrorAsOf?.() ?? null]);
      if (space) assertSameSpace(space, embedder, store.chunks.collectionName);
      const { text, phrases } = parseQuery(query.query);
      const [vector] = await embedder.embed([query.mode === "vector" ? query.query : text]);
      if (!space || !vector) return { results: [], embedder: embedder.id, mirrorAsOf: mirrorTime, emptyReason: "nothing_ingested" };

      const sources = new Map<string, MirrorRecord | null>();
      const eligible = (source: MirrorRecord | null | undefined): source is MirrorRecord =>
        !!source &&
        source.status !== "archived" &&
        (query.sourceType === undefined || source.sourceType === query.sourceType) &&
        (query.authorityTier === undefined || source.authorityTier === query.authorityTier) &&
        (query.status === undefined || source.status === query.status);

      if (query.mode !== "vector") {
        const fusionUsed = fusionForMode(query.mode, fusionParams);
        await live.refresh();
        const hybrid = await rankHybrid(store, live, {
          text,
          phrases,
          vector,
          space,
          limit: query.limit,
          fusion: { ...fusionUsed, perSource: query.perSource, minScore: query.minScore },
          tierWeights: weights,
          eligible,
        });
        // The kept chunks' texts and records (heading path, position): those read while ranking
        // (chunks the keyword index did not hold yet) are at hand, the others come in one read.
        const records = await chunkRecords(store, hybrid.kept, hybrid.records);
        const results = hybrid.kept.flatMap((fused): SearchResult[] => {
          const source = hybrid.sources.get(fused.sourceId);
          const record = records.get(fused.id);
          if (!source || !record) return [];
          const result: SearchResult = {
            rank: 0, // numbered below, once chunks removed meanwhile are left out
            score: fused.score,
            relevance: fused.relevance,
            text: record.text,
            headingPath: record.headingPath,
            pages: record.pages ?? null,
            document: pageOf(record),
            chunk: { id: fused.id, index: record.index, count: record.count },
            source: citation(source),
          };
          if (query.explain) result.explain = explainFused(query.mode, fused, fusionUsed);
          return [result];
        });
        results.forEach((result, i) => (result.rank = i + 1));
        return { results, emptyReason: results.length > 0 ? null : await emptyReason(store, query), embedder: embedder.id, mirrorAsOf: mirrorTime };
      }

      let ranked: Candidate[] = [];
      // The first round's texts: the results are mostly among its (few) nearest candidates.
      const texts = new Map<string, string>();
      let round = 0;
      for (let wanted = Math.max(query.limit * OVERFETCH, MIN_CANDIDATES); ; wanted = Math.min(wanted * OVERFETCH, MAX_CANDIDATES)) {
        // Deeper rounds (four times as many candidates) come without texts; the kept ones they add are read after.
        const first = round++ === 0;
        const matches = await store.chunks.query(space, vector, { limit: wanted, text: first });
        if (first) for (const match of matches) texts.set(match.id, match.text);
        await readSources(store.sources, matches, sources);

        ranked = matches.flatMap((match) => {
          const source = sources.get(match.sourceId);
          return eligible(source) ? [toCandidate(match, source, weights[source.authorityTier])] : [];
        });
        ranked.sort((a, b) => b.score - a.score || a.chunk.id.localeCompare(b.chunk.id));
        const exhausted = matches.length < wanted || wanted >= MAX_CANDIDATES;
        // A chunk not fetched yet is no more relevant than the last one fetched, so it can score
        // at most that relevance × the highest weight: below that line, the order is final.
        const floor = relevanceOf(matches.at(-1)) * maxWeight;
        const last = capPerSource(ranked, sourceIdOf, query.perSource, query.minScore, query.limit)[query.limit - 1];
        if (exhausted || (last !== undefined && last.score >= floor)) break;
      }
      const kept = capPerSource(ranked, sourceIdOf, query.perSource, query.minScore, query.limit);
      const unread = kept.map((candidate) => candidate.chunk.id).filter((id) => !texts.has(id));
      if (unread.length > 0) for (const [id, text] of await store.chunks.texts(unread)) texts.set(id, text);
      return {
        results: kept.map((candidate, i) => {
          const result: SearchResult = { rank: i + 1, ...candidate, text: texts.get(candidate.chunk.id) ?? "" };
          if (query.explain) {
            // Vector mode ranks by cosine × tier weight; there is no fusion (ranks are the result's own).
            result.explain = { mode: "vector", method: null, sourceEvidence: 0, lexicalRank: null, vectorRank: i + 1, tierWeight: weights[candidate.source.authorityTier], k: 0, weights: { lexical: 0, vector: 1 } };
          }
          return result;
        }),
        emptyReason: kept.length > 0 ? null : await emptyReason(store, query),
        embedder: embedder.id,
        mirrorAsOf: mirrorTime,
      };
    },

    warm: () => live.refresh({ force: true }),

    async stats() {
      const [tally, space] = await Promise.all([store.chunks.tally(), store.chunks.space()]);
      return { ...tally, embedder: space?.embedder ?? null, dimension: space?.dimension ?? null };
    },
  };
}

/** Why a search found nothing: every candidate was looked at, so it is the index or the filters. */
async function emptyReason(store: Pick<SearchDeps["store"], "chunks">, query: z.output<typeof SearchQuerySchema>): Promise<EmptyReason> {
  if ((await store.chunks.count()) === 0) return "nothing_ingested";
  const filtered = query.sourceType !== undefined || query.authorityTier !== undefined || query.status !== undefined;
  return filtered ? "filtered" : "not_searchable";
}

const sourceIdOf = (candidate: Candidate) => candidate.source.id;

function relevanceOf(match: ChunkMatch | undefined): number {
  // Cosine distance is 1 − cosine similarity; negative similarity says "unrelated", not "opposite".
  return match ? Math.max(0, 1 - match.distance) : 0;
}

/** Why a fused result ranks where it does, with the fusion its mode used (fusionForMode). */
function explainFused(mode: SearchMode, fused: FusedCandidate, fusion: FusionSettings): Explain {
  return {
    mode,
    method: fusion.method,
    sourceEvidence: fusion.sourceEvidence,
    lexicalRank: fused.lexicalRank,
    vectorRank: fused.vectorRank,
    tierWeight: fused.tierWeight,
    k: fusion.k,
    weights: fusion.weights,
  };
}

/** Text, heading path and position of the fused chunks kept (the lexical index keeps none of them), from `known` or else read. */
async function chunkRecords(store: Pick<SearchDeps["store"], "chunks">, kept: readonly FusedCandidate[], known: ReadonlyMap<string, ChunkRecord>): Promise<Map<string, ChunkRecord>> {
  const records = new Map<string, ChunkRecord>();
  for (const { id } of kept) {
    const record = known.get(id);
    if (record) records.set(id, record);
  }
  const unread = kept.filter((c) => !records.has(c.id)).map((c) => c.id);
  if (unread.length > 0) for (const record of await store.chunks.records(unread)) records.set(record.id, record);
  return records;
}

/** The page of a many-page source a chunk is on (null for a one-document source). */
function pageOf(chunk: { url?: string; title?: string }): SearchResult["document"] {
  return chunk.url ? { url: chunk.url, title: chunk.title ?? null } : null;
}

function citation(source: MirrorRecord): SearchResult["source"] {
  return {
    id: source.id,
    title: source.title,
    url: source.url,
    sourceType: source.sourceType,
    authorityTier: source.authorityTier,
    status: source.status,
  };
}

function toCandidate(match: ChunkMatch, source: MirrorRecord, weight: number): Candidate {
  const relevance = relevanceOf(match);
  return {
    score: relevance * weight,
    relevance,
    text: match.text,
    headingPath: match.headingPath,
    pages: match.pages ?? null,
    document: pageOf(match),
    chunk: { id: match.id, index: match.index, count: match.count },
    source: citation(source),
  };
}
