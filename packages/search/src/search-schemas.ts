import { AuthorityTierSchema, SourceStatusSchema, SourceTypeSchema } from "@kmcp/core";
import { z } from "zod";
import { DEFAULT_FUSION, FUSION_METHODS } from "./fuse.js";

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
  /** hybrid: keyword (BM25) and vector rankings fused; lexical or vector: one of them alone. */
  mode: z.enum(["hybrid", "lexical", "vector"], { error: "must be hybrid, lexical or vector" }).default("hybrid"),
  /** At most this many passages of one source. */
  perSource: z.coerce.number().int().min(1, `must be from 1 to ${MAX_SEARCH_RESULTS}`).max(MAX_SEARCH_RESULTS, `must be from 1 to ${MAX_SEARCH_RESULTS}`).default(DEFAULT_FUSION.perSource),
  /** Leave out results scoring below this (scores are 0 to 1). */
  minScore: z.coerce.number().min(0, "must be from 0 to 1").max(1, "must be from 0 to 1").default(0),
  /** Add each result's ranks in the lexical and vector lists and the weights that made its score. */
  explain: z.boolean().default(false),
});
export type SearchQuery = z.input<typeof SearchQuerySchema>;

/** Why a result ranks where it does. */
export const ExplainSchema = z.object({
  mode: z.enum(["hybrid", "lexical", "vector"]),
  method: z
    .enum(FUSION_METHODS)
    .nullable()
    .describe("how the lists were fused: each list's scores over its best (scores) or reciprocal ranks (rrf, also lexical mode's one list); null in vector mode"),
  sourceEvidence: z.number().describe("share of the relevance taken from the best other chunk of the same source"),
  lexicalRank: z.number().int().nullable().describe("1-based rank among the keyword (BM25) candidates; null: not among them"),
  vectorRank: z.number().int().nullable().describe("1-based rank among the vector candidates; null: not among them"),
  tierWeight: z.number(),
  k: z.number().describe("reciprocal rank fusion constant (method rrf)"),
  weights: z.object({ lexical: z.number(), vector: z.number() }),
});
export type Explain = z.infer<typeof ExplainSchema>;

/**
 * One search hit: the chunk's text and where it comes from (cite `source.title` and
 * `source.url`). The schema is the type's one source; the MCP server declares it as output.
 */
export const SearchResultSchema = z.object({
  rank: z.number().int().describe("1-based position"),
  score: z.number().describe("what results are ordered by: relevance × the source's authority tier weight"),
  relevance: z
    .number()
    .describe("how well the chunk matches the query, 0 to 1: the fused score in hybrid mode (1 = first in every list), the rank score in lexical mode (1 = first), cosine similarity floored at 0 in vector mode"),
  text: z.string().describe("the chunk's text"),
  headingPath: z.array(z.string()).describe("headings enclosing the chunk, outermost first"),
  pages: z.string().nullable().optional().describe('pages of the original the chunk is on ("3" or "3-4"), for PDFs; cite them with the source'),
  document: z
    .object({ url: z.string(), title: z.string().nullable() })
    .nullable()
    .optional()
    .describe("for a source of many pages (a crawled site): the page the passage is on; cite its title and url rather than the source's"),
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
  explain: ExplainSchema.optional().describe("why the result ranks here (only when asked with explain)"),
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
