import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { AuthorityTier, SourceType } from "@kmcp/core";

/** The shipped test corpus: a few dozen documents on distinct topics, with labelled queries. */
export const CORPUS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../corpus");

export interface CorpusEntry {
  file: string;
  title: string;
  sourceType: SourceType;
  authorityTier: AuthorityTier;
  /** Two documents on the same topic (one canonical, one community) share a pair name. */
  pair?: string;
}

export interface LabelledQuery {
  query: string;
  expected: string;
  pair?: string;
  hard?: boolean;
}

const readJson = <T>(file: string): T => JSON.parse(readFileSync(path.join(CORPUS_DIR, file), "utf8")) as T;

export const manifest = readJson<CorpusEntry[]>("manifest.json");
export const queries = readJson<LabelledQuery[]>("queries.json");

/** The file a source URL points at (sources are created with file:// URLs under CORPUS_DIR). */
export const fileOf = (url: string) => path.basename(fileURLToPath(url));
