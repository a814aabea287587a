import Database from "better-sqlite3";
import { lexicalTerm, lexicalTokens, wordTokens } from "./lexical-terms.js";

/** What the lexical index holds of a chunk (its text is not kept: Chroma is the one store of texts). */
export interface LexicalChunk {
  id: string;
  sourceId: string;
  text: string;
  headingPath: readonly string[];
}

/** A chunk matching a lexical query, best first; `score` is SQLite FTS5's BM25 score, negated so higher is better (unbounded). */
export interface LexicalHit {
  id: string;
  sourceId: string;
  score: number;
}

export interface LexicalSearchOptions {
  limit: number;
  /** Only chunks holding each of these phrases as a phrase of index terms (the caller checks the exact text). */
  phrases?: readonly string[];
  /** Only chunks of sources for which this answers true. */
  source?: (sourceId: string) => boolean;
}

/** Field weights of the BM25 ranking (FTS5's bm25() with k1 = 1.2, b = 0.75), exposed for the evaluation's sweep. */
export interface LexicalIndexOptions {
  /** Weight of the heading path against the text (1). */
  headingBoost?: number;
  /** Weight of whole identifiers (`ERR_REQUIRE_ESM`) against the text (1). */
  identifierBoost?: number;
}

/** A BM25 index of chunk texts and heading paths (SQLite FTS5, in memory), kept in step with Chroma by LiveLexicalIndex. */
export interface LexicalIndex {
  readonly size: number;
  /** Add chunks; a chunk whose id is already indexed is replaced. */
  add(chunks: readonly LexicalChunk[]): void;
  /** Remove chunks by id; unknown ids are ignored. */
  remove(ids: Iterable<string>): void;
  has(id: string): boolean;
  /** The source of each of these chunks the index holds (the others are left out). */
  sourceIdsOf(ids: Iterable<string>): Map<string, string>;
  ids(): string[];
  search(query: string, options: LexicalSearchOptions): LexicalHit[];
  /** The whole index as an SQLite database image, for a snapshot that createLexicalIndex restores. */
  serialize(): Uint8Array;
}

// Chosen on the evaluation set (packages/bench/src/eval): see the README.
export const DEFAULT_LEXICAL_OPTIONS = { headingBoost: 1, identifierBoost: 1 } as const;

// The terms are made in JavaScript (lexicalTokens, lexicalTerm: our identifiers, stemmer and stop
// words) and stored space-separated; the `ascii` tokenizer with `-._` as token characters then
// splits on white space only and keeps each term as it is (terms hold only lower-cased letters,
// digits and `-._`). Contentless: the terms are not stored twice, and Chroma holds the texts.
const SCHEMA = `
CREATE TABLE chunk (rowid INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, source_id TEXT NOT NULL);
CREATE VIRTUAL TABLE terms USING fts5(text, headings, identifiers, content='', contentless_delete=1, tokenize="ascii tokenchars '-._'");
`;

const termsOf = (tokens: readonly string[]) => tokens.map(lexicalTerm).filter((t): t is string => t !== null);
const quoted = (terms: readonly string[]) => `"${terms.join(" ")}"`;

type Row = { id: string; sourceId: string; score: number };

/**
 * A new index, or (`snapshot`: what serialize() gave, made with the same code) the index the
 * snapshot holds, without tokenizing anything again.
 * @throws {Error} when the snapshot is not such a database.
 */
export function createLexicalIndex(options: LexicalIndexOptions = {}, snapshot?: Uint8Array): LexicalIndex {
  const weights = [1, options.headingBoost ?? DEFAULT_LEXICAL_OPTIONS.headingBoost, options.identifierBoost ?? DEFAULT_LEXICAL_OPTIONS.identifierBoost];
  if (!weights.every(Number.isFinite)) throw new Error("lexical index weights must be finite numbers");
  const db = new Database(snapshot === undefined ? ":memory:" : Buffer.from(snapshot.buffer, snapshot.byteOffset, snapshot.byteLength));
  if (snapshot === undefined) db.exec(SCHEMA);
  const insertChunk = db.prepare("INSERT INTO chunk (id, source_id) VALUES (?, ?)");
  const insertTerms = db.prepare("INSERT INTO terms (rowid, text, headings, identifiers) VALUES (?, ?, ?, ?)");
  const rowOf = db.prepare("SELECT rowid FROM chunk WHERE id = ?").pluck();
  const sourceOf = db.prepare("SELECT source_id FROM chunk WHERE id = ?").pluck();
  const deleteChunk = db.prepare("DELETE FROM chunk WHERE rowid = ?");
  const deleteTerms = db.prepare("DELETE FROM terms WHERE rowid = ?");
  const count = db.prepare("SELECT count(*) FROM chunk").pluck();
  const allIds = db.prepare("SELECT id FROM chunk").pluck();
  // bm25() is lower for better matches; FTS5 scores every matching row in native code. Only the
  // best rows are joined to their ids (measured: 20% faster at 100k chunks than joining every match).
  const match = db.prepare(
    `SELECT chunk.id AS id, chunk.source_id AS sourceId, -best.score AS score
     FROM (SELECT rowid, bm25(terms, ${weights.join(", ")}) AS score FROM terms WHERE terms MATCH ? ORDER BY score LIMIT ?) AS best
     JOIN chunk ON chunk.rowid = best.rowid ORDER BY best.score`,
  );

  const removeOne = (id: string) => {
    const rowid = rowOf.get(id) as number | undefined;
    if (rowid === undefined) return;
    deleteTerms.run(rowid);
    deleteChunk.run(rowid);
  };

  return {
    get size() {
      return count.get() as number;
    },
    add: db.transaction((chunks: readonly LexicalChunk[]) => {
      for (const chunk of chunks) {
        removeOne(chunk.id);
        const headings = chunk.headingPath.join("\n");
        const { lastInsertRowid } = insertChunk.run(chunk.id, chunk.sourceId);
        const identifiers = termsOf(lexicalTokens(`${headings}\n${chunk.text}`, "identifiers"));
        insertTerms.run(lastInsertRowid, termsOf(wordTokens(chunk.text)).join(" "), termsOf(wordTokens(headings)).join(" "), identifiers.join(" "));
      }
    }),
    remove: db.transaction((ids: Iterable<string>) => {
      for (const id of ids) removeOne(id);
    }),
    has: (id) => rowOf.get(id) !== undefined,
    sourceIdsOf(ids) {
      const found = new Map<string, string>();
      for (const id of ids) {
        const sourceId = sourceOf.get(id) as string | undefined;
        if (sourceId !== undefined) found.set(id, sourceId);
      }
      return found;
    },
    ids: () => allIds.all() as string[],
    search(query, { limit, phrases = [], source }) {
      // Any query term (identifiers whole and their words), in any field; each phrase's terms in
      // sequence in one field (a phrase of stop words only constrains nothing here).
      const any = [...new Set(termsOf(lexicalTokens(query)))];
      if (any.length === 0) return [];
      const required = phrases.map((phrase) => termsOf(wordTokens(phrase))).filter((terms) => terms.length > 0);
      const expression = [...required.map((terms) => `{text headings} : ${quoted(terms)}`), `(${any.map((term) => quoted([term])).join(" OR ")})`].join(" AND ");
      if (!source) return match.all(expression, limit) as Row[];
      const hits: Row[] = [];
      for (const row of match.iterate(expression, -1) as IterableIterator<Row>) {
        if (!source(row.sourceId)) continue;
        hits.push(row);
        if (hits.length >= limit) break;
      }
      return hits;
    },
    serialize: () => db.serialize(),
  };
}
