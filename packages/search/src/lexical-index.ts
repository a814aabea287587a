import MiniSearch, { type Options } from "minisearch";
import { lexicalTerm, lexicalTokens } from "./lexical-terms.js";

/** What the lexical index holds of a chunk (its text is not kept: Chroma is the one store of texts). */
export interface LexicalChunk {
  id: string;
  sourceId: string;
  text: string;
  headingPath: readonly string[];
}

/** A chunk matching a lexical query, best first; `score` is MiniSearch's BM25+ score (unbounded). */
export interface LexicalHit {
  id: string;
  sourceId: string;
  score: number;
}

export interface LexicalSearchOptions {
  limit: number;
  /** Only chunks holding every word of each of these phrases (the caller checks word order on the text). */
  phrases?: readonly string[];
  /** Only chunks of sources for which this answers true. */
  source?: (sourceId: string) => boolean;
}

/** BM25 ranking parameters and field boosts, exposed for the evaluation's sweep. */
export interface LexicalIndexOptions {
  /** Boost of the heading path against the text (1). */
  headingBoost?: number;
  /** Boost of whole identifiers (`ERR_REQUIRE_ESM`) against the text (1). */
  identifierBoost?: number;
  bm25?: { k: number; b: number; d: number };
}

/** An in-memory BM25 index of chunk texts and heading paths (MiniSearch), kept in step with Chroma by LiveLexicalIndex. */
export interface LexicalIndex {
  readonly size: number;
  /** Add chunks; a chunk whose id is already indexed is replaced. */
  add(chunks: readonly LexicalChunk[]): void;
  /** Remove chunks by id; unknown ids are ignored. */
  remove(ids: Iterable<string>): void;
  has(id: string): boolean;
  ids(): string[];
  search(query: string, options: LexicalSearchOptions): LexicalHit[];
  /** The whole index as JSON, for a snapshot that createLexicalIndex restores. */
  toJSON(): string;
}

interface Stored {
  sourceId: string;
}

// Chosen on the evaluation set (packages/bench/src/eval): see the README.
export const DEFAULT_LEXICAL_OPTIONS = { headingBoost: 1, identifierBoost: 1, bm25: { k: 1.2, b: 0.75, d: 0 } } as const;

type Indexed = { id: string; sourceId: string; text: string; headings: string; identifiers: string };

/**
 * A new index, or (`snapshot`: what toJSON() gave, made with the same options and code) the
 * index the snapshot holds, without tokenizing anything again.
 * @throws {Error} when the snapshot is not MiniSearch JSON.
 */
export function createLexicalIndex(options: LexicalIndexOptions = {}, snapshot?: string): LexicalIndex {
  const headingBoost = options.headingBoost ?? DEFAULT_LEXICAL_OPTIONS.headingBoost;
  const bm25 = options.bm25 ?? DEFAULT_LEXICAL_OPTIONS.bm25;
  const identifierBoost = options.identifierBoost ?? DEFAULT_LEXICAL_OPTIONS.identifierBoost;
  const miniOptions: Options<Indexed> = {
    fields: ["text", "headings", "identifiers"],
    storeFields: ["sourceId"],
    tokenize: lexicalTokens,
    processTerm: lexicalTerm,
    searchOptions: { boost: { headings: headingBoost, identifiers: identifierBoost }, bm25, combineWith: "OR" },
  };
  const mini = snapshot === undefined ? new MiniSearch<Indexed>(miniOptions) : MiniSearch.loadJSON<Indexed>(snapshot, miniOptions);
  const toDocument = (chunk: LexicalChunk) => {
    const headings = chunk.headingPath.join("\n");
    return { id: chunk.id, sourceId: chunk.sourceId, text: chunk.text, headings, identifiers: `${headings}\n${chunk.text}` };
  };

  return {
    get size() {
      return mini.documentCount;
    },
    add(chunks) {
      for (const chunk of chunks) if (mini.has(chunk.id)) mini.discard(chunk.id);
      mini.addAll(chunks.map(toDocument));
    },
    remove(ids) {
      for (const id of ids) if (mini.has(id)) mini.discard(id);
    },
    has: (id) => mini.has(id),
    ids() {
      const ids: string[] = [];
      // MiniSearch keeps no public id list; the id field is stored with each document's fields.
      mini.search(MiniSearch.wildcard, { filter: (result) => (ids.push(String(result.id)), false) });
      return ids;
    },
    search(query, { limit, phrases = [], source }) {
      // Chunks holding every word of every phrase; null: no phrase, no constraint.
      const holding = phrases.map((phrase) => new Set(mini.search(phrase, { combineWith: "AND" }).map((r) => String(r.id))));
      const required = holding.length === 0 ? null : holding.reduce((all, next) => new Set([...all].filter((id) => next.has(id))));
      if (required?.size === 0) return [];
      const hits = mini.search(query, {
        filter: (result) => (!required || required.has(String(result.id))) && (!source || source((result as unknown as Stored).sourceId)),
      });
      return hits.slice(0, limit).map((hit) => ({ id: String(hit.id), sourceId: (hit as unknown as Stored).sourceId, score: hit.score }));
    },
    toJSON: () => JSON.stringify(mini),
  };
}
