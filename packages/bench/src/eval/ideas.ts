// Ideas measured for issue #15's quality target (hybrid MRR@10 ≥ 1.05 × lexical), each changing
// one ranking against the shipped setup: `pnpm --filter @kmcp/bench eval --ideas`. None shipped.
import MiniSearch, { type SearchOptions } from "minisearch";
import { chunkDocument, createLexicalIndex, documentTitle, fuseRankings, LOCAL_EMBEDDER_DIMENSION, SEARCH_CANDIDATES, type RankedCandidate } from "@kmcp/search";
import { hashFeatures, isStopword, lexicalTerm, lexicalTokens, localFeatures, stem } from "@kmcp/search/internals";
import { queryHalf, type EvalSet } from "./eval-set.js";
import { quality } from "./evaluate.js";

interface Chunk extends RankedCandidate {
  text: string;
  headingPath: string[];
  title: string;
}
type Lists = Map<string, RankedCandidate[]>;
type Features = (text: string) => Map<string, number>;

const WORD = /[\p{L}\p{N}]+/gu;
const DIMENSION = LOCAL_EMBEDDER_DIMENSION;

/** The lexical ranking with MiniSearch options beyond the shipped ones (and optionally the title as a field). */
function lexicalLists(set: EvalSet, chunks: Chunk[], options: { search?: SearchOptions; processTerm?: (t: string) => string | null; titleBoost?: number } = {}): Lists {
  const fields = ["text", "headings", "identifiers", ...(options.titleBoost ? ["title"] : [])];
  const mini = new MiniSearch<Chunk & { headings: string; identifiers: string }>({
    fields,
    storeFields: ["sourceId"],
    tokenize: lexicalTokens,
    processTerm: options.processTerm ?? lexicalTerm,
    searchOptions: { boost: { headings: 1, identifiers: 1, title: options.titleBoost ?? 0 }, bm25: { k: 1.2, b: 0.75, d: 0 }, combineWith: "OR", ...options.search },
  });
  mini.addAll(chunks.map((c) => ({ ...c, headings: c.headingPath.join("\n"), identifiers: `${c.headingPath.join("\n")}\n${c.text}` })));
  return new Map(set.queries.map(({ query }) => [query, mini.search(query).slice(0, SEARCH_CANDIDATES).map((h) => ({ id: String(h.id), sourceId: h.sourceId as string }))]));
}

/** Exact cosine ranking of hashed feature vectors; `queryWeight` scales the query's features (query-side IDF). */
function vectorLists(set: EvalSet, chunks: Chunk[], features: Features, queryWeight: (feature: string) => number = () => 1): Lists {
  const vector = (values: Map<string, number>, weight: (f: string) => number) => hashFeatures([...values].map(([f, c]) => [f, Math.log1p(c) * weight(f)] as const), DIMENSION);
  const matrix = new Float32Array(chunks.length * DIMENSION);
  chunks.forEach((c, i) => matrix.set(vector(features(`${[c.title, ...c.headingPath].join(" > ")}\n\n${c.text}`), () => 1), i * DIMENSION));
  return new Map(
    set.queries.map(({ query }) => {
      const q = vector(features(query), queryWeight);
      const scores = new Float32Array(chunks.length);
      for (let i = 0; i < chunks.length; i++) {
        let dot = 0;
        for (let d = 0, base = i * DIMENSION; d < DIMENSION; d++) dot += matrix[base + d]! * q[d]!;
        scores[i] = dot;
      }
      const order = [...scores.keys()].sort((a, b) => scores[b]! - scores[a]! || (chunks[a]!.id < chunks[b]!.id ? -1 : 1));
      return [query, order.slice(0, SEARCH_CANDIDATES).map((i) => chunks[i]!)];
    }),
  );
}

/** Sub-word hashing: the shipped words and pairs, plus character 3–5-grams of every word (their weight shared out). */
function subwordFeatures(gramWeight: number): Features {
  return (text) => {
    const counts = new Map<string, number>();
    const add = (f: string, w: number) => counts.set(f, (counts.get(f) ?? 0) + w);
    const raw = (text.normalize("NFKC").toLowerCase().match(WORD) ?? []).filter((w) => !isStopword(w) && (w.length > 1 || /\d/.test(w)));
    const words = raw.map(stem);
    words.forEach((w, i) => {
      add(`w:${w}`, 1);
      if (words[i + 1] !== undefined) add(`p:${w} ${words[i + 1]}`, 0.5);
    });
    for (const w of raw) {
      const padded = `<${w}>`;
      const grams: string[] = [];
      for (let n = 3; n <= 5; n++) for (let j = 0; j + n <= padded.length; j++) grams.push(padded.slice(j, j + n));
      for (const g of grams) add(`c:${g}`, gramWeight / Math.sqrt(grams.length));
    }
    return counts;
  };
}

/** Each chunk's BM25 score plus λ × its source's second-best chunk score (evidence from the rest of the document). */
function withSourceEvidence(set: EvalSet, chunks: Chunk[], lambda: number): Lists {
  const index = createLexicalIndex();
  index.add(chunks);
  return new Map(
    set.queries.map(({ query }) => {
      const hits = index.search(query, { limit: chunks.length });
      const second = new Map<string, number[]>();
      for (const h of hits) second.set(h.sourceId, [...(second.get(h.sourceId) ?? []), h.score].slice(0, 2));
      const scored = hits.map((h) => ({ ...h, score: h.score + lambda * (second.get(h.sourceId)![1] ?? 0) }));
      return [query, scored.sort((a, b) => b.score - a.score).slice(0, SEARCH_CANDIDATES)];
    }),
  );
}

/** Document frequency of every feature over the chunks, as IDF for the query side. */
function featureIdf(chunks: Chunk[], features: Features): (feature: string) => number {
  const df = new Map<string, number>();
  for (const c of chunks) for (const f of features(`${[c.title, ...c.headingPath].join(" > ")}\n\n${c.text}`).keys()) df.set(f, (df.get(f) ?? 0) + 1);
  return (f) => Math.log(1 + (chunks.length - (df.get(f) ?? 0) + 0.5) / ((df.get(f) ?? 0) + 0.5));
}

const FEW_STOPWORDS = new Set("a an and are as at be by for from in is it of on or the to with".split(" "));

export interface IdeaRow {
  idea: string;
  /** MRR@10 of the changed list alone (tune, held-out). */
  alone: { tune: number; heldOut: number };
  /** Hybrid MRR@10 with the shipped fusion (k 5, 1.5 : 1) and with the best on the tuning half. */
  hybrid: { tune: number; heldOut: number; all: number; recall5: number };
  tuned: { k: number; lexicalWeight: number; tune: number; heldOut: number; all: number };
}

const GRID = [2, 5, 10, 20].flatMap((k) => [1, 1.5, 2, 3].map((lexicalWeight) => ({ k, lexicalWeight })));

export function measureIdeas(set: EvalSet): IdeaRow[] {
  const chunks: Chunk[] = set.documents.flatMap((doc) => {
    const title = documentTitle(doc.text, "markdown") ?? doc.id;
    return chunkDocument(doc.text, "markdown").map((c) => ({ id: `${doc.id}:${c.index}`, sourceId: doc.id, text: c.text, headingPath: c.headingPath, title }));
  });
  const shippedLexical = lexicalLists(set, chunks);
  const shippedVector = vectorLists(set, chunks, localFeatures);
  const docs = (lists: Lists) => (q: string) => lists.get(q)!.map((c) => c.sourceId);
  const fused = (lexical: Lists, vector: Lists, k: number, lexicalWeight: number) => (q: string) =>
    fuseRankings(lexical.get(q)!, vector.get(q)!, { method: "rrf", sourceEvidence: 0, k, weights: { lexical: lexicalWeight, vector: 1 }, perSource: 3, minScore: 0, limit: SEARCH_CANDIDATES, tierWeight: () => 1 }).map((c) => c.sourceId);
  const row = (idea: string, lexical: Lists, vector: Lists, changed: Lists): IdeaRow => {
    const shipped = fused(lexical, vector, 5, 1.5);
    const best = GRID.map((p) => ({ ...p, tune: quality(set, fused(lexical, vector, p.k, p.lexicalWeight), "tune").mrr10 })).sort((a, b) => b.tune - a.tune)[0]!;
    const tunedDocs = fused(lexical, vector, best.k, best.lexicalWeight);
    return {
      idea,
      alone: { tune: quality(set, docs(changed), "tune").mrr10, heldOut: quality(set, docs(changed), "held-out").mrr10 },
      hybrid: { tune: quality(set, shipped, "tune").mrr10, heldOut: quality(set, shipped, "held-out").mrr10, all: quality(set, shipped).mrr10, recall5: quality(set, shipped).recall5 },
      tuned: { ...best, heldOut: quality(set, tunedDocs, "held-out").mrr10, all: quality(set, tunedDocs).mrr10 },
    };
  };
  const lexicalIdea = (idea: string, lists: Lists) => row(idea, lists, shippedVector, lists);
  const vectorIdea = (idea: string, lists: Lists) => row(idea, shippedLexical, lists, lists);

  // The better of the two shipped lists for each query: what any fusion of them could at most reach.
  const rankOf = (lists: Lists, q: { query: string; answer: string }) => [...new Set(docs(lists)(q.query))].indexOf(q.answer);
  const oracle = (half?: "tune" | "held-out") => {
    const queries = set.queries.filter((q) => !half || queryHalf(q) === half);
    const rr = (r: number) => (r >= 0 && r < 10 ? 1 / (r + 1) : 0);
    return queries.reduce((sum, q) => sum + Math.max(rr(rankOf(shippedLexical, q)), rr(rankOf(shippedVector, q))), 0) / queries.length;
  };
  const base = row("shipped (lexical list alone)", shippedLexical, shippedVector, shippedLexical);
  return [
    base,
    row("shipped (vector list alone)", shippedLexical, shippedVector, shippedVector),
    { ...base, idea: "oracle: the better of the two shipped lists per query", alone: { tune: Number.NaN, heldOut: Number.NaN }, hybrid: { tune: oracle("tune"), heldOut: oracle("held-out"), all: oracle(), recall5: Number.NaN } },
    lexicalIdea("lexical: query words ≥ 4 letters also match as prefixes", lexicalLists(set, chunks, { search: { prefix: (t) => t.length >= 4 } })),
    lexicalIdea("lexical: fuzzy match (edit distance 0.2) for words ≥ 5 letters", lexicalLists(set, chunks, { search: { fuzzy: (t) => (t.length >= 5 ? 0.2 : false), weights: { fuzzy: 0.2, prefix: 0.375 } } })),
    lexicalIdea("lexical: 19 stop words instead of ~150", lexicalLists(set, chunks, { processTerm: (t) => (FEW_STOPWORDS.has(t.toLowerCase()) ? null : lexicalTerm(t) ?? (t.length > 1 ? stem(t.toLowerCase()) : null)) })),
    lexicalIdea("lexical: document title as a field (boost 0.5)", lexicalLists(set, chunks, { titleBoost: 0.5 })),
    lexicalIdea("lexical: + 0.3 × the source's second-best chunk score", withSourceEvidence(set, chunks, 0.3)),
    vectorIdea("vector: + character 3–5-grams of every word (weight 0.5)", vectorLists(set, chunks, subwordFeatures(0.5))),
    vectorIdea("vector: + character 3–5-grams of every word (weight 1)", vectorLists(set, chunks, subwordFeatures(1))),
    vectorIdea("vector: query features weighted by IDF over the chunks", vectorLists(set, chunks, localFeatures, featureIdf(chunks, localFeatures))),
  ];
}
