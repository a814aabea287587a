import { randomUUID } from "node:crypto";
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { createLexicalIndex, DEFAULT_LEXICAL_OPTIONS, type LexicalIndex, type LexicalIndexOptions } from "./lexical-index.js";
import { lexicalTerm, lexicalTokens } from "./lexical-terms.js";

/**
 * Where the lexical index is kept between processes, so a new process loads it instead of
 * reading and tokenizing every chunk again. Only a cache: the live index diffs it against
 * Chroma's chunk ids before use (ids name their content), so an old snapshot costs time, never
 * correctness.
 */
export interface LexicalSnapshotStore {
  /** The last snapshot written; null when there is none. */
  read(): Promise<Uint8Array | null>;
  /** Replace the snapshot atomically: a reader sees the old one or the new one, never part of one. */
  write(snapshot: Uint8Array): Promise<void>;
}

/** A snapshot in one file (written to a temporary file, then renamed over it). */
export function createFileSnapshotStore(file: string): LexicalSnapshotStore {
  return {
    async read() {
      try {
        return await readFile(file);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
        throw error;
      }
    },
    async write(snapshot) {
      await mkdir(path.dirname(file), { recursive: true });
      const temporary = `${file}.${randomUUID()}.tmp`;
      try {
        await writeFile(temporary, snapshot);
        await rename(temporary, file);
      } finally {
        await rm(temporary, { force: true });
      }
    },
  };
}

// What the index's terms depend on: the options, and the tokenizer and stemmer, fingerprinted by
// what they make of a probe text, so a snapshot made by other code is never used. Format 1 was
// MiniSearch's JSON: such a snapshot is ignored, and the index built from Chroma.
const FORMAT = "kmcp-lexical-index-2";
const PROBE = "Caching parsers' ERR_REQUIRE_ESM --frozen-lockfile io_submit v1.2.3 Ünïcödé running the SIGKILL";

function header(options: LexicalIndexOptions): string {
  const probe = lexicalTokens(PROBE).map(lexicalTerm);
  return JSON.stringify({ format: FORMAT, options: { ...DEFAULT_LEXICAL_OPTIONS, ...options }, probe });
}

/** The index (an SQLite database image) after a header line (format, options, tokenizer fingerprint). */
export function serializeLexicalIndex(index: LexicalIndex, options: LexicalIndexOptions = {}): Uint8Array {
  return Buffer.concat([Buffer.from(`${header(options)}\n`), index.serialize()]);
}

/**
 * The index a snapshot holds; null when it was made with other options or other code.
 * @throws {Error} when the snapshot is damaged.
 */
export function restoreLexicalIndex(snapshot: Uint8Array, options: LexicalIndexOptions = {}): LexicalIndex | null {
  const bytes = Buffer.from(snapshot.buffer, snapshot.byteOffset, snapshot.byteLength);
  const newline = bytes.indexOf(0x0a);
  if (newline < 0 || bytes.toString("utf8", 0, newline) !== header(options)) return null;
  return createLexicalIndex(options, bytes.subarray(newline + 1));
}
