export { createIngester, INGEST_DEFAULTS, IngestDocumentSchema, IngestOptionsSchema } from "./ingest.js";
export type { FailedDocument, IngestDocument, IngestedDocument, Ingester, IngesterDeps, IngestOptions, IngestProgress, IngestReport } from "./ingest.js";

export { createSearch, MAX_QUERY_LENGTH, MAX_SEARCH_RESULTS, SearchQuerySchema, SearchResultSchema } from "./search.js";
export type { EmptyReason, Search, SearchDeps, SearchQuery, SearchResponse, SearchResult, SearchStats } from "./search.js";
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
