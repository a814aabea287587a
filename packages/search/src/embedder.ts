/**
 * Turns text into vectors. Implementations: createLocalEmbedder (deterministic, offline) and
 * createOpenAiEmbedder (any OpenAI-compatible `/v1/embeddings` server).
 */
export interface Embedder {
  /**
   * Stable identity of the vector space, recorded on the chunk collection so vectors from two
   * embedders are never compared: e.g. `local:hash-v1` or `openai:text-embedding-3-small`.
   */
  readonly id: string;
  /** Vector length when known before the first call (always for the local embedder). */
  readonly dimension: number | undefined;
  /**
   * One vector per text, in order, all of the same length.
   * @throws {SearchError} `EMBEDDER` with a message that says what failed and never the API key.
   */
  embed(texts: readonly string[]): Promise<number[][]>;
}
