// The `@kmcp/search/config` entry point: the settings' defaults and validators only, so
// configuration can be parsed without loading ingestion and search (extractors, indexes).
export { DEFAULT_FUSION, FUSION_METHODS } from "./fuse.js";
export type { FusionMethod } from "./fuse.js";
export { OpenAiEmbedderOptionsSchema } from "./openai-options.js";
export type { OpenAiEmbedderOptions } from "./openai-options.js";
export { DEFAULT_TIER_WEIGHTS, parseTierWeights, TierWeightsSchema } from "./tier-weights.js";
export type { TierWeights } from "./tier-weights.js";
