// The `@kmcp/search/internals` entry point: pieces of the two rankings (the lexical index's
// tokenizer and term processing, the local embedder's features) for the evaluation's experiments
// in packages/bench. Not a stable API: they change whenever the rankings do.
export { lexicalTerm, lexicalTokens } from "./lexical-terms.js";
export { hashFeatures, isStopword, localFeatures, stem } from "./local-embedder.js";
