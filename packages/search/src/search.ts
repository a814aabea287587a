import type { ChromaStore, ChunkMatch, MirrorRecord } from "@kmcp/chroma-store";
import { AuthorityTierSchema, SourceStatusSchema, SourceTypeSchema } from "@kmcp/core";
import { z } from "zod";
import type { Embedder } from "./embedder.js";
import { parseInput } from "./parse-input.js";
import { TierWeightsSchema, type TierWeights } from "./tier-weights.js";
import { assertSameSpace } from "./vector-space.js";

export const MAX_SEARCH_RESULTS = 50;
export const MAX_QUERY_LENGTH = 1_000;

/** A search: the text to look for, how many results, and filters on the chunks' sources. */
export const SearchQuerySchema = z.strictObject({
  query: z
    .string({ error: "must be text" })
    .trim()
    .min(1, "must not be empty")
    .max(MAX_QUERY_LENGTH, `must be at most ${MAX_QUERY_LENGTH} characters`)
    .refine((q) => /[\p{L}\p{N}]/u.test(q), "must contain a word"),
  limit: z.coerce.number().int().min(1, `must be from 1 to ${MAX_SEARCH_RESULTS}`).max(MAX_SEARCH_RESULTS, `must be from 1 to ${MAX_SEARCH_RESULTS}`).default(10),
  sourceType: SourceTypeSchema.optional(),
  authorityTier: AuthorityTierSchema.optional(),
  /** Archived sources are never searched, so `archived` is not a status one can ask for. */
  status: SourceStatusSchema.exclude(["archived"], { error: "must be pending, active or failed (archived sources are never searched)" }).optional(),
});
export type SearchQuery = z.input<typeof SearchQuerySchema>;

/**
 * One search hit: the chunk's text and where it comes from (cite `source.title` and
 * `source.url`). The schema is the type's one source; the MCP server declares it as output.
 */
export const SearchResultSchema = z.object({
  rank: z.number().int().describe("1-based position"),
  score: z.number().describe("what results are ordered by: relevance × the source's authority tier weight"),
  relevance: z.number().describe("how close the chunk is to the query (cosine similarity floored at 0), 0 to 1"),
  text: z.string().describe("the chunk's text"),
  headingPath: z.array(z.string()).describe("headings enclosing the chunk, outermost first"),
  pages: z.string().nullable().optional().describe('pages of the original the chunk is on ("3" or "3-4"), for PDFs; cite them with the source'),
  chunk: z.object({ id: z.string(), index: z.number().int().describe("0-based position in the document"), count: z.number().int().describe("chunks in the document") }),
  source: z
    .object({
      id: z.string(),
      title: z.string(),
      url: z.string(),
      sourceType: SourceTypeSchema,
      authorityTier: AuthorityTierSchema,
      status: SourceStatusSchema,
    })
    .describe("the citation (as the mirror knows the source): show the user the title and url of each result you use"),
});

export type SearchResult = z.infer<typeof SearchResultSchema>;

export interface SearchResponse {
  results: SearchResult[];
  /** The embedder the query was embedded with. */
  embedder: string;
  /** Source metadata always comes from the mirror: when it last matched PostgreSQL (null: unknown). */
  mirrorAsOf: Date | null;
  /**
   * Why there are no results (null when there are some): `nothing_ingested` (the index is empty),
   * `filtered` (no chunk of a source matching the filters), `not_searchable` (chunks exist, but
   * none of a source that is in the mirror and not archived — e.g. no sync since the ingest).
   */
  emptyReason: EmptyReason | null;
}

export type EmptyReason = "nothing_ingested" | "filtered" | "not_searchable";

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
}

export interface SearchDeps {
  store: Pick<ChromaStore, "chunks" | "sources">;
  embedder: Embedder;
  /** Default: DEFAULT_TIER_WEIGHTS. */
  tierWeights?: TierWeights;
  /** When the mirror last matched PostgreSQL; usually OfflineSyncManager.mirrorAsOf. */
  mirrorAsOf?: () => Promise<Date | null>;
}

// The first query asks for this many candidates per wanted result; later ones four times more.
const OVERFETCH = 4;
const MIN_CANDIDATES = 40;
const MAX_CANDIDATES = 100_000;

type Candidate = Omit<SearchResult, "rank">;

export function createSearch({ store, embedder, tierWeights, mirrorAsOf }: SearchDeps): Search {
  const weights = parseInput(TierWeightsSchema, tierWeights ?? {}, "tier weights");
  const maxWeight = Math.max(...Object.values(weights));

  return {
    async search(input) {
      const query = parseInput(SearchQuerySchema, input, "search");
      const asOf = mirrorAsOf?.() ?? Promise.resolve(null);
      const space = await store.chunks.space();
      if (space) assertSameSpace(space, embedder, store.chunks.collectionName);
      const [vector] = await embedder.embed([query.query]);
      if (!space || !vector) return { results: [], embedder: embedder.id, mirrorAsOf: await asOf, emptyReason: "nothing_ingested" };

      const sources = new Map<string, MirrorRecord | null>();
      const eligible = (source: MirrorRecord | null | undefined): source is MirrorRecord =>
        !!source &&
        source.status !== "archived" &&
        (query.sourceType === undefined || source.sourceType === query.sourceType) &&
        (query.authorityTier === undefined || source.authorityTier === query.authorityTier) &&
        (query.status === undefined || source.status === query.status);

      let ranked: Candidate[] = [];
      for (let wanted = Math.max(query.limit * OVERFETCH, MIN_CANDIDATES); ; wanted = Math.min(wanted * OVERFETCH, MAX_CANDIDATES)) {
        // Texts are fetched only for the results kept: candidates can be hundreds.
        const matches = await store.chunks.query(space, vector, { limit: wanted, text: false });
        const unknown = [...new Set(matches.map((m) => m.sourceId))].filter((id) => !sources.has(id));
        const found = await store.sources.getMany(unknown);
        for (const id of unknown) sources.set(id, found.find((record) => record.id === id) ?? null);

        ranked = matches.flatMap((match) => {
          const source = sources.get(match.sourceId);
          return eligible(source) ? [toCandidate(match, source, weights[source.authorityTier])] : [];
        });
        ranked.sort((a, b) => b.score - a.score || a.chunk.id.localeCompare(b.chunk.id));
        const exhausted = matches.length < wanted || wanted >= MAX_CANDIDATES;
        // A chunk not fetched yet is no more relevant than the last one fetched, so it can score
        // at most that relevance × the highest weight: below that line, the order is final.
        const floor = relevanceOf(matches.at(-1)) * maxWeight;
        const last = ranked[query.limit - 1];
        if (exhausted || (last !== undefined && last.score >= floor)) break;
      }
      const kept = ranked.slice(0, query.limit);
      const texts = await store.chunks.texts(kept.map((candidate) => candidate.chunk.id));
      return {
        results: kept.map((candidate, i) => ({ rank: i + 1, ...candidate, text: texts.get(candidate.chunk.id) ?? "" })),
        emptyReason: kept.length > 0 ? null : await emptyReason(store, query),
        embedder: embedder.id,
        mirrorAsOf: await asOf,
      };
    },

    async stats() {
      const [tally, space] = await Promise.all([store.chunks.tally(), store.chunks.space()]);
      return { ...tally, embedder: space?.embedder ?? null, dimension: space?.dimension ?? null };
    },
  };
}

/** Why a search found nothing: every candidate was looked at, so it is the index or the filters. */
async function emptyReason(store: SearchDeps["store"], query: z.output<typeof SearchQuerySchema>): Promise<EmptyReason> {
  if ((await store.chunks.count()) === 0) return "nothing_ingested";
  const filtered = query.sourceType !== undefined || query.authorityTier !== undefined || query.status !== undefined;
  return filtered ? "filtered" : "not_searchable";
}

function relevanceOf(match: ChunkMatch | undefined): number {
  // Cosine distance is 1 − cosine similarity; negative similarity says "unrelated", not "opposite".
  return match ? Math.max(0, 1 - match.distance) : 0;
}

function toCandidate(match: ChunkMatch, source: MirrorRecord, weight: number): Candidate {
  const relevance = relevanceOf(match);
  return {
    score: relevance * weight,
    relevance,
    text: match.text,
    headingPath: match.headingPath,
    pages: match.pages ?? null,
    chunk: { id: match.id, index: match.index, count: match.count },
    source: {
      id: source.id,
      title: source.title,
      url: source.url,
      sourceType: source.sourceType,
      authorityTier: source.authorityTier,
      status: source.status,
    },
  };
}
