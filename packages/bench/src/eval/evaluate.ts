import { performance } from "node:perf_hooks";
import Database from "better-sqlite3";
import {
  chunkDocument,
  createLexicalIndex,
  documentTitle,
  createLocalEmbedder,
  DEFAULT_FUSION,
  fuseRankings,
  SEARCH_CANDIDATES,
  type Embedder,
  type FusionMethod,
  type LexicalIndexOptions,
  type RankedCandidate,
} from "@kmcp/search";
import { queryHalf, type EvalHalf, type EvalSet } from "./eval-set.js";

/** Document-level retrieval quality: a document counts at the rank of its best chunk. */
export interface Quality {
  recall1: number;
  recall5: number;
  recall10: number;
  mrr10: number;
}

/** The rank lists of every query, by method, for one evaluation set. */
export interface EvalIndexes {
  chunks: number;
  lexical: (query: string) => RankedCandidate[];
  vector: (query: string) => RankedCandidate[];
  fts5: (query: string) => string[];
  buildMs: { lexical: number; vector: number; fts5: number };
}

/** Build every engine over the same chunks (the real chunker; chunk id = document id + index), the vector half with `embedder` (the built-in one by default). */
export async function buildIndexes(set: EvalSet, lexicalOptions?: LexicalIndexOptions, embedder: Embedder = createLocalEmbedder()): Promise<EvalIndexes> {
  const chunks = set.documents.flatMap((doc) => {
    const title = documentTitle(doc.text, "markdown") ?? doc.id;
    return chunkDocument(doc.text, "markdown").map((chunk) => ({ id: `${doc.id}:${chunk.index}`, sourceId: doc.id, text: chunk.text, headingPath: chunk.headingPath, title }));
  });
  let started = performance.now();
  const lexicalIndex = createLexicalIndex(lexicalOptions);
  lexicalIndex.add(chunks);
  const lexicalMs = performance.now() - started;

  started = performance.now();
  const dimension = embedder.dimension;
  if (dimension === undefined) throw new Error(`the eval needs an embedder whose dimension is known before the first call (${embedder.id})`);
  const matrix = new Float32Array(chunks.length * dimension);
  for (let i = 0; i < chunks.length; i += 500) {
    // As ingestion embeds them: title and heading path, then the text.
    const vectors = await embedder.embed(chunks.slice(i, i + 500).map((c) => `${[c.title, ...c.headingPath].join(" > ")}\n\n${c.text}`));
    vectors.forEach((v, j) => matrix.set(v, (i + j) * dimension));
  }
  const vectorMs = performance.now() - started;

  started = performance.now();
  const sqlite = new Database(":memory:");
  sqlite.exec("CREATE VIRTUAL TABLE chunks USING fts5(doc UNINDEXED, headings, text, tokenize = 'porter unicode61')");
  const insert = sqlite.prepare("INSERT INTO chunks (doc, headings, text) VALUES (?, ?, ?)");
  sqlite.transaction(() => {
    for (const c of chunks) insert.run(c.sourceId, c.headingPath.join("\n"), c.text);
  })();
  const select = sqlite.prepare("SELECT doc FROM chunks WHERE chunks MATCH ? ORDER BY bm25(chunks) LIMIT ?");
  const fts5Ms = performance.now() - started;

  const embedQuery = async (q: string) => (await embedder.embed([q]))[0]!;
  const queryVectors = new Map<string, number[]>();
  for (const q of set.queries) queryVectors.set(q.query, await embedQuery(q.query));

  return {
    chunks: chunks.length,
    lexical: (query) => lexicalIndex.search(query, { limit: SEARCH_CANDIDATES }),
    vector(query) {
      // Exact nearest chunks by cosine (unit vectors: the dot product), as Chroma's query returns them.
      const q = queryVectors.get(query)!;
      const scores = new Float32Array(chunks.length);
      for (let i = 0; i < chunks.length; i++) {
        let dot = 0;
        const base = i * dimension;
        for (let d = 0; d < dimension; d++) dot += matrix[base + d]! * q[d]!;
        scores[i] = dot;
      }
      const order = [...scores.keys()].sort((a, b) => scores[b]! - scores[a]! || (chunks[a]!.id < chunks[b]!.id ? -1 : 1));
      return order.slice(0, SEARCH_CANDIDATES).map((i) => ({ id: chunks[i]!.id, sourceId: chunks[i]!.sourceId, score: scores[i]! }));
    },
    fts5(query) {
      // Every word as a quoted term, OR-ed: BM25 over any shared word, as a keyword engine is used.
      const words = query.match(/[\p{L}\p{N}]+/gu) ?? [];
      if (words.length === 0) return [];
      const rows = select.all(words.map((w) => `"${w}"`).join(" OR "), SEARCH_CANDIDATES) as { doc: string }[];
      return rows.map((r) => r.doc);
    },
    buildMs: { lexical: lexicalMs, vector: vectorMs, fts5: fts5Ms },
  };
}

/** Quality of ranked document lists against the set's answers. */
export function quality(set: EvalSet, rankedDocs: (query: string) => string[], half?: EvalHalf): Quality {
  const queries = half ? set.queries.filter((q) => queryHalf(q) === half) : set.queries;
  let r1 = 0;
  let r5 = 0;
  let r10 = 0;
  let mrr = 0;
  for (const { query, answer } of queries) {
    const docs = [...new Set(rankedDocs(query))];
    const at = docs.indexOf(answer);
    if (at === 0) r1++;
    if (at >= 0 && at < 5) r5++;
    if (at >= 0 && at < 10) {
      r10++;
      mrr += 1 / (at + 1);
    }
  }
  const n = queries.length;
  return { recall1: r1 / n, recall5: r5 / n, recall10: r10 / n, mrr10: mrr / n };
}

export interface HybridParams {
  method: FusionMethod;
  k: number;
  lexicalWeight: number;
  vectorWeight: number;
  sourceEvidence: number;
}

/** The documents of a fused ranking (the production fusion, with one tier weight for all). */
export function fusedDocs(lexical: RankedCandidate[], vector: RankedCandidate[], params: HybridParams): string[] {
  return fuseRankings(lexical, vector, {
    method: params.method,
    sourceEvidence: params.sourceEvidence,
    k: params.k,
    weights: { lexical: params.lexicalWeight, vector: params.vectorWeight },
    perSource: DEFAULT_FUSION.perSource,
    minScore: 0,
    limit: SEARCH_CANDIDATES,
    tierWeight: () => 1,
  }).map((c) => c.sourceId);
}

/** Quality on the tuning half, the held-out half and the whole set. */
export interface Split {
  tune: Quality;
  heldOut: Quality;
  all: Quality;
}

const split = (set: EvalSet, rankedDocs: (query: string) => string[]): Split => ({
  tune: quality(set, rankedDocs, "tune"),
  heldOut: quality(set, rankedDocs, "held-out"),
  all: quality(set, rankedDocs),
});

/**
 * The fusion settings swept; the defaults are chosen on the tuning half only. Rank fusion: k and
 * the lexical weight (vector weight 1). Score fusion: the lexical share (vector weight 1 − it).
 * Both with and without source evidence.
 */
const SWEEP_K = [2, 5, 10, 20, 60];
const SWEEP_LEXICAL_WEIGHT = [1, 1.5, 2, 3, 4];
const SWEEP_LEXICAL_SHARE = [0.5, 0.6, 0.65, 0.7, 0.75, 0.8, 0.9];
const SWEEP_SOURCE_EVIDENCE = [0, 0.05, 0.1, 0.15, 0.2];

function sweepParams(): HybridParams[] {
  const params: HybridParams[] = [];
  for (const sourceEvidence of SWEEP_SOURCE_EVIDENCE) {
    for (const k of SWEEP_K) for (const lexicalWeight of SWEEP_LEXICAL_WEIGHT) params.push({ method: "rrf", k, lexicalWeight, vectorWeight: 1, sourceEvidence });
    for (const share of SWEEP_LEXICAL_SHARE) params.push({ method: "scores", k: 0, lexicalWeight: share, vectorWeight: Math.round((1 - share) * 100) / 100, sourceEvidence });
  }
  return params;
}

/**
 * Every method's quality on the set (both halves and all), and a sweep of the fusion parameters;
 * `before` is the fusion to compare the shipped one (`params`) with, on the same lists.
 */
export async function evaluate(set: EvalSet, params: HybridParams, before: HybridParams, lexicalOptions?: LexicalIndexOptions, embedder?: Embedder) {
  const indexes = await buildIndexes(set, lexicalOptions, embedder);
  const lists = new Map(set.queries.map(({ query }) => [query, { lexical: indexes.lexical(query), vector: indexes.vector(query) }]));
  const docsOf = (list: RankedCandidate[]) => list.map((c) => c.sourceId);
  const hybrid = (p: HybridParams) => (q: string) => fusedDocs(lists.get(q)!.lexical, lists.get(q)!.vector, p);
  const results = {
    lexical: split(set, (q) => docsOf(lists.get(q)!.lexical)),
    vector: split(set, (q) => docsOf(lists.get(q)!.vector)),
    hybrid: split(set, hybrid(params)),
    before: split(set, hybrid(before)),
    // The lexical list with the shipped source evidence (lexical mode does not use it): whether the gain is fusion's.
    lexicalEvidence: split(set, hybrid({ ...params, vectorWeight: 0 })),
    fts5: split(set, indexes.fts5),
  };
  const sweep = sweepParams().map((p) => ({ ...p, ...split(set, hybrid(p)) }));
  const halves = { tune: set.queries.filter((q) => queryHalf(q) === "tune").length, heldOut: set.queries.filter((q) => queryHalf(q) === "held-out").length };
  return { chunks: indexes.chunks, buildMs: indexes.buildMs, results, sweep, halves };
}

export type { EvalHalf };
