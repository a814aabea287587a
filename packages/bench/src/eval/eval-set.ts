import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";

/** One document of the evaluation set: a package's README, with its description sentence removed. */
export interface EvalDocument {
  id: string;
  text: string;
}

/** A query (a package's description) and the document that answers it (that package's README). */
export interface EvalQuery {
  query: string;
  answer: string;
}

export interface EvalSet {
  documents: EvalDocument[];
  queries: EvalQuery[];
  /** A digest of the selected ids, descriptions and texts: two runs with the same digest measured the same set. */
  digest: string;
}

export interface EvalSetOptions {
  /** The pnpm virtual store to read packages from (node_modules/.pnpm of the workspace). */
  storeDir: string;
  maxDocuments?: number;
  maxQueries?: number;
  /** READMEs shorter than this (after removing the description) are skipped. */
  minReadmeChars?: number;
  /** Descriptions with fewer words are skipped: they name the package rather than describe it. */
  minDescriptionWords?: number;
}

const README = /^readme(\.md|\.markdown)?$/i;

/** Package folders in a pnpm virtual store: .pnpm/<key>/node_modules/<name> and .../@scope/<name>. */
function packageDirs(storeDir: string): string[] {
  const dirs: string[] = [];
  for (const key of readdirSync(storeDir)) {
    const modules = path.join(storeDir, key, "node_modules");
    if (!existsSync(modules)) continue;
    for (const name of readdirSync(modules)) {
      if (name.startsWith(".")) continue;
      if (name.startsWith("@")) for (const scoped of readdirSync(path.join(modules, name))) dirs.push(path.join(modules, name, scoped));
      else dirs.push(path.join(modules, name));
    }
  }
  return dirs;
}

interface Candidate {
  name: string;
  description: string;
  readme: string;
}

function readCandidate(dir: string): Candidate | null {
  try {
    const pkg = JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8")) as { name?: unknown; description?: unknown };
    if (typeof pkg.name !== "string" || typeof pkg.description !== "string") return null;
    const file = readdirSync(dir).filter((f) => README.test(f)).sort()[0];
    if (!file) return null;
    return { name: pkg.name, description: pkg.description.replace(/\s+/g, " ").trim(), readme: readFileSync(path.join(dir, file), "utf8") };
  } catch {
    return null;
  }
}

/** The README without the description sentence wherever it appears verbatim (with or without its final period). */
function withoutDescription(readme: string, description: string): string {
  const variants = [description, description.replace(/\.$/, "")].filter((v) => v.length > 0);
  let text = readme.replace(/\r\n?/g, "\n");
  for (const v of variants) text = text.split(v).join(" ");
  return text;
}

const order = (key: string) => createHash("sha256").update(key).digest("hex");

/**
 * A reproducible retrieval set from third-party documentation on this machine: packages in the
 * pnpm store, sorted by name (one version each: the first store folder by name), skipping short
 * or shared descriptions and short READMEs. Queries are a fixed pseudo-random sample (by hash of
 * the name) of the documents. Nothing of it is written to disk.
 */
export function buildEvalSet(options: EvalSetOptions): EvalSet {
  const { storeDir, maxDocuments = 2_000, maxQueries = 300, minReadmeChars = 800, minDescriptionWords = 4 } = options;
  const byName = new Map<string, Candidate>();
  for (const dir of packageDirs(storeDir).sort()) {
    const candidate = readCandidate(dir);
    if (candidate && !byName.has(candidate.name)) byName.set(candidate.name, candidate);
  }
  const descriptionCount = new Map<string, number>();
  for (const c of byName.values()) descriptionCount.set(c.description.toLowerCase(), (descriptionCount.get(c.description.toLowerCase()) ?? 0) + 1);

  const selected: (EvalDocument & { description: string })[] = [];
  for (const name of [...byName.keys()].sort()) {
    const c = byName.get(name)!;
    if (c.description.split(" ").length < minDescriptionWords || descriptionCount.get(c.description.toLowerCase())! > 1) continue;
    const text = withoutDescription(c.readme, c.description);
    if (text.trim().length < minReadmeChars) continue;
    selected.push({ id: name, text, description: c.description });
    if (selected.length >= maxDocuments) break;
  }
  const queries = [...selected]
    .sort((a, b) => order(a.id).localeCompare(order(b.id)))
    .slice(0, maxQueries)
    .map((d) => ({ query: d.description, answer: d.id }));
  const digest = createHash("sha256");
  for (const d of selected) digest.update(`${d.id}\0${d.description}\0${d.text}\0`);
  return { documents: selected.map(({ id, text }) => ({ id, text })), queries, digest: digest.digest("hex").slice(0, 12) };
}

/** The two halves of the queries: fusion settings are chosen on `tune` and checked on `held-out`. */
export type EvalHalf = "tune" | "held-out";

/** A query's half, fixed by a hash of its package's name (independent of the sampling order). */
export function queryHalf(query: EvalQuery): EvalHalf {
  return createHash("sha256").update(`split:${query.answer}`).digest()[0]! & 1 ? "held-out" : "tune";
}
