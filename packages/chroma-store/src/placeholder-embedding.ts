/**
 * The embedding every metadata record carries: `[0]`. Chroma stores nothing without an
 * embedding and fixes a collection's dimension at its first insert; metadata collections are
 * never searched by vector, so one constant dimension costs the least to send, store and index.
 */
export function placeholderEmbedding(): number[] {
  return [0];
}
