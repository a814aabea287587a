export { createIngester } from "./ingest.js";
export { INGEST_DEFAULTS, IngestDocumentSchema, IngestOptionsSchema } from "./ingest-schemas.js";
export type { FailedDocument, IngestDocument, IngestedDocument, Ingester, IngesterDeps, IngestOptions, IngestProgress, IngestReport } from "./ingest-schemas.js";

export { createPageIngester, IngestPageSchema } from "./ingest-page.js";
export type { IngestedPage, IngestPage, PageIngester } from "./ingest-page.js";
export { createPreparer, defaultPrepareThreads } from "./preparer.js";
export type { PreparedChunks, Preparer, PreparerOptions } from "./preparer.js";

export { createSearch } from "./search.js";
export { ExplainSchema, MAX_QUERY_LENGTH, MAX_SEARCH_RESULTS, SearchQuerySchema, SearchResultSchema } from "./search-schemas.js";
export type { SearchMode } from "./hybrid-ranking.js";
export { createFileSnapshotStore } from "./lexical-snapshot.js";
export type { LexicalSnapshotStore } from "./lexical-snapshot.js";
export type { Search, SearchDeps, SearchStats } from "./search.js";
export type { EmptyReason, Explain, SearchQuery, SearchResponse, SearchResult } from "./search-schemas.js";
export { DEFAULT_TIER_WEIGHTS, parseTierWeights, TierWeightsSchema } from "./tier-weights.js";
export type { TierWeights } from "./tier-weights.js";

export type { Embedder } from "./embedder.js";
export { createLocalEmbedder, LOCAL_EMBEDDER_DIMENSION, LOCAL_EMBEDDER_ID } from "./local-embedder.js";
export { createOpenAiEmbedder } from "./openai-embedder.js";
export { OpenAiEmbedderOptionsSchema } from "./openai-options.js";
export type { OpenAiEmbedderDeps } from "./openai-embedder.js";
export type { OpenAiEmbedderOptions } from "./openai-options.js";

export { chunkDocument, ChunkOptionsSchema } from "./chunk-document.js";
export type { ChunkOptions, DocumentFormat, TextChunk } from "./chunk-document.js";
export { documentTitle } from "./document-title.js";

export { isSearchError, SearchError } from "./errors.js";
export type { SearchErrorCode } from "./errors.js";

export { createLexicalIndex, DEFAULT_LEXICAL_OPTIONS } from "./lexical-index.js";
export type { LexicalChunk, LexicalHit, LexicalIndex, LexicalIndexOptions, LexicalSearchOptions } from "./lexical-index.js";
export { DEFAULT_FUSION, FUSION_METHODS, fuseRankings, SEARCH_CANDIDATES } from "./fuse.js";
export type { FusedCandidate, FusionMethod, FusionOptions, RankedCandidate } from "./fuse.js";
