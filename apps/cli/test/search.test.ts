import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { appendFile, copyFile, mkdir } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { SearchResponse } from "@kmcp/search";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { json, kmcp, tempHome } from "./run-cli.js";

// `kmcp ingest` and `kmcp search` on real servers, over a few documents of the shipped corpus
// (copied, so the corpus folder's README.md and JSON files are not ingested with them).

const CORPUS = fileURLToPath(new URL("../../../packages/search/corpus/", import.meta.url));
const readCorpus = <T>(file: string) => JSON.parse(readFileSync(path.join(CORPUS, file), "utf8")) as T;
const manifest = readCorpus<{ file: string; sourceType: string; authorityTier: string }[]>("manifest.json");
const queries = readCorpus<{ query: string; expected: string; hard?: boolean }[]>("queries.json");

/** Three folders, each ingested in its own way, each file with the type and tier its manifest entry gives. */
const GROUPS = {
  canonical: ["kubernetes-pod-autoscaling.md", "rust-ownership-borrowing.md", "tls-rotation-official.md"],
  community: ["git-rebase-vs-merge.md", "bloom-filters.txt", "tls-rotation-blog.md"],
  trusted: ["postgres-vacuum.md", "sql-window-functions.md"],
};
const FILES = Object.values(GROUPS).flat();
const entry = (file: string) => manifest.find((e) => e.file === file)!;

interface Totals {
  added: number;
  replaced: number;
  unchanged: number;
  empty: number;
  chunksWritten: number;
  chunksRemoved: number;
  sourcesCreated: number;
}
interface IngestJson {
  documents: { url: string; sourceId: string; outcome: string; chunks: number; removed: number; sourceCreated: boolean; path: string }[];
  totals: Totals;
  sync: { outcome: string } | null;
  reset?: { chunksRemoved: number; previousEmbedder: string };
}
/** SearchResponse as JSON: the date is a string. */
type SearchJson = Omit<SearchResponse, "mirrorAsOf"> & { mirrorAsOf: string | null };

let env: Record<string, string>;
let docs: string;
let chromaPort: number;
beforeAll(async () => {
  env = { KMCP_HOME: await tempHome() };
  docs = path.join(path.dirname(env.KMCP_HOME!), "docs");
  for (const [group, files] of Object.entries(GROUPS)) {
    await mkdir(path.join(docs, group), { recursive: true });
    for (const file of files) await copyFile(path.join(CORPUS, file), path.join(docs, group, file));
  }
  chromaPort = json<{ chroma: { port: number } }>(await kmcp(["up", "--json"], env)).chroma.port;
});
afterAll(async () => {
  await kmcp(["down"], env);
});

/** The three ingests: a folder, a glob under --root, and a folder published under --base-url. */
const ingestAll = (extra: string[] = []) => [
  ["ingest", path.join(docs, "canonical"), "--type", "documentation", "--tier", "tier_1_canonical", ...extra],
  ["ingest", "*.{md,txt}", "--root", path.join(docs, "community"), "--type", "blog", "--tier", "tier_3_community", ...extra],
  ["ingest", ".", "--root", path.join(docs, "trusted"), "--base-url", "https://docs.example.test/kb/", "--type", "documentation", "--tier", "tier_2_trusted", ...extra],
];
const fileOf = (url: string) => path.posix.basename(new URL(url).pathname);
const search = async (args: string[], extraEnv: Record<string, string> = {}) => json<SearchJson>(await kmcp(["search", ...args, "--json"], { ...env, ...extraEnv }));

// Refusals run at once: each is its own subprocess, and none may write anything.
describe.concurrent("kmcp ingest / search: refusals", () => {
  it.each([
    ["an unknown tier", ["ingest", "docs", "--tier", "nope"], "--tier"],
    ["an unknown type", ["ingest", "docs", "--type", "podcast"], "--type"],
    ["chunks too small", ["ingest", "docs", "--max-chars", "100"], "--max-chars"],
    ["an overlap too large", ["ingest", "docs", "--max-chars", "1000", "--overlap", "600"], "--overlap: must be less than half of --max-chars"],
    ["a number that is not whole", ["ingest", "docs", "--overlap", "1.5"], "--overlap: must be a whole number"],
    ["a base url that is not http(s)", ["ingest", "docs", "--base-url", "ftp://x.test/"], "--base-url"],
    ["no paths", ["ingest"], "missing required argument"],
    ["a missing path", ["ingest", "/nonexistent/kmcp-docs"], "no such file or folder"],
    ["a glob matching nothing", ["ingest", "*.nothing-here"], "matches no Markdown, text, HTML, PDF or Word file"],
    ["a limit of 0", ["search", "tls", "--limit", "0"], "--limit: must be from 1 to 50"],
    ["a limit over 50", ["search", "tls", "--limit", "51"], "--limit"],
    ["an empty query", ["search", ""], "query: must not be empty"],
    ["a query without a word", ["search", "?!"], "must contain a word"],
    ["no query", ["search"], "missing required argument"],
    ["an unknown tier filter", ["search", "tls", "--tier", "nope"], "--tier"],
    ["the archived status", ["search", "tls", "--status", "archived"], "archived sources are never searched"],
    ["an unknown mode", ["search", "tls", "--mode", "fuzzy"], "--mode: must be hybrid, lexical or vector"],
    ["a min score over 1", ["search", "tls", "--min-score", "2"], "--min-score: must be from 0 to 1"],
    ["a min score that is not a number", ["search", "tls", "--min-score", "high"], "--min-score"],
    ["a per-source of 0", ["search", "tls", "--per-source", "0"], "--per-source: must be from 1 to 50"],
  ])("refuses %s with exit 2, one clear line", async (_what, args, message) => {
    const result = await kmcp(args, env);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});

describe("after the refusals", () => {
  it("nothing was written", async () => {
    expect(json<{ items: unknown[] }>(await kmcp(["sources", "list", "--json"], env)).items).toEqual([]);
    const empty = await kmcp(["search", "anything"], env);
    expect(empty).toMatchObject({ code: 0, stdout: expect.stringContaining("Nothing has been ingested yet") });
  });
});

describe("kmcp ingest", () => {
  it("ingests a folder, a glob and a published folder, creating one source per file", async () => {
    const reports: IngestJson[] = [];
    for (const args of ingestAll(["--json"])) reports.push(json<IngestJson>(await kmcp(args, env)));
    const documents = reports.flatMap((r) => r.documents);
    expect(documents.map((d) => path.basename(d.path)).sort()).toEqual([...FILES].sort());
    for (const report of reports) {
      const n = report.documents.length;
      const chunks = report.documents.reduce((sum, d) => sum + d.chunks, 0);
      expect(report.totals).toEqual({ added: n, replaced: 0, unchanged: 0, empty: 0, chunksWritten: chunks, chunksRemoved: 0, sourcesCreated: n });
      expect(report.sync).toMatchObject({ outcome: "success" });
      expect(report.documents.every((d) => d.outcome === "added" && d.sourceCreated && d.chunks > 0)).toBe(true);
    }
    expect(reports[2]!.documents.map((d) => d.url)).toEqual(["https://docs.example.test/kb/postgres-vacuum.md", "https://docs.example.test/kb/sql-window-functions.md"]);
    expect(reports[0]!.documents[0]!.url).toMatch(/^file:\/\/\//);
    const sources = json<{ items: { url: string; sourceType: string; authorityTier: string }[] }>(await kmcp(["sources", "list", "--json"], env)).items;
    expect(sources).toHaveLength(FILES.length);
    for (const source of sources) {
      const { sourceType, authorityTier } = entry(fileOf(source.url));
      expect(source).toMatchObject({ sourceType, authorityTier });
    }
  });

  it("changes nothing on a re-run, and replaces the chunks of an edited file", async () => {
    const again = await Promise.all(ingestAll().map((args) => kmcp(args, env)));
    for (const [i, result] of again.entries()) {
      const n = Object.values(GROUPS)[i]!.length;
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/^FILE\s+OUTCOME\s+CHUNKS\s+SOURCE$/m);
      expect(result.stdout).toContain(`${n} documents: 0 added, 0 replaced, ${n} unchanged; 0 chunks written, 0 removed; 0 sources created.`);
    }
    expect(again[0]!.stdout).toMatch(/^\S*canonical\/kubernetes-pod-autoscaling\.md\s+unchanged\s+\d+\s+[0-9a-f]{8}$/m);

    await appendFile(path.join(docs, "trusted", "postgres-vacuum.md"), "\n\n## Appendix\n\nA note on `pg_repack`, which rebuilds a bloated table online.\n");
    const edited = json<IngestJson>(await kmcp([...ingestAll()[2]!, "--json"], env));
    expect(edited.totals).toMatchObject({ replaced: 1, unchanged: 1, added: 0, sourcesCreated: 0 });
    const replaced = edited.documents.find((d) => d.outcome === "replaced")!;
    expect(replaced).toMatchObject({ url: "https://docs.example.test/kb/postgres-vacuum.md", sourceCreated: false });
    expect(replaced.removed).toBeGreaterThan(0);
  });
});

describe("kmcp search", () => {
  it("puts the expected document first for topic queries", async () => {
    // One labelled query per ingested file (the easy ones: the local embedder matches words). The
    // queries about the TLS pair expect the canonical guide, so none expects the blog post.
    const picked = FILES.map((file) => queries.find((q) => q.expected === file && !q.hard)).filter((q) => q !== undefined);
    expect(picked.map((q) => q.expected)).toEqual(FILES.filter((file) => file !== "tls-rotation-blog.md"));
    const answers = await Promise.all(picked.map((q) => search(q.query.split(" ").concat("--limit", "3"))));
    for (const [i, answer] of answers.entries()) {
      expect(answer.results.map((r) => fileOf(r.source.url))[0], picked[i]!.query).toBe(picked[i]!.expected);
    }
  });

  it("prints rank, score, title, url, headings and an excerpt", async () => {
    const result = await kmcp(["search", "borrow", "checker", "mutable", "reference", "--limit", "2"], env);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^1\. \d\.\d{3} {2}Rust Ownership and Borrowing$/m);
    expect(result.stdout).toMatch(/^ {3}file:\/\/\/\S+rust-ownership-borrowing\.md$/m);
    expect(result.stdout).toMatch(/^ {3}Rust Ownership and Borrowing › /m);
    expect(result.stdout).toMatch(/^2\. /m);
    expect(result.stdout).toContain("2 results");
    for (const line of result.stdout.split("\n")) expect(line.length).toBeLessThanOrEqual(160);
    expect(result.stderr).toBe("");
    const none = await kmcp(["search", "certificate", "rotation", "--type", "standards_body"], env);
    expect(none).toMatchObject({ code: 0, stdout: 'No results for "certificate rotation" with these filters. Try other words or fewer filters.\n' });
  });

  it("honours --type, --tier and --limit", async () => {
    const [blogs, canonical, community, limited] = await Promise.all([
      search(["certificate", "rotation", "--type", "blog", "--limit", "20"]),
      search(["certificate", "rotation", "--tier", "tier_1_canonical", "--limit", "20"]),
      search(["renew", "TLS", "certificates", "--tier", "tier_3_community"]),
      search(["certificate", "rotation", "--limit", "2"]),
    ]);
    expect(blogs.results.length).toBeGreaterThan(0);
    expect(blogs.results.every((r) => r.source.sourceType === "blog")).toBe(true);
    expect(canonical.results.length).toBeGreaterThan(0);
    expect(canonical.results.every((r) => r.source.authorityTier === "tier_1_canonical")).toBe(true);
    expect(fileOf(community.results[0]!.source.url)).toBe("tls-rotation-blog.md");
    expect(limited.results).toHaveLength(2);
  });

  it("ranks by --mode and says why with --explain", async () => {
    const words = ["certificate", "rotation", "--limit", "20", "--explain"];
    const [hybrid, lexical, vector] = await Promise.all([search([...words, "--mode", "hybrid"]), search([...words, "--mode", "lexical"]), search([...words, "--mode", "vector"])]);
    for (const [mode, answer] of Object.entries({ hybrid, lexical, vector })) {
      expect(answer.results.length, mode).toBeGreaterThan(0);
      expect(answer.results.every((r) => r.explain?.mode === mode), mode).toBe(true);
    }
    expect(lexical.results.every((r) => r.explain!.lexicalRank !== null && r.explain!.vectorRank === null && r.explain!.weights.vector === 0)).toBe(true);
    expect(vector.results.map((r) => r.explain!.vectorRank)).toEqual(vector.results.map((r) => r.rank));
    expect(vector.results.every((r) => r.explain!.lexicalRank === null)).toBe(true);
    expect(hybrid.results.some((r) => r.explain!.lexicalRank !== null && r.explain!.vectorRank !== null)).toBe(true);
    expect(hybrid.results[0]!.explain).toMatchObject({ method: "scores", sourceEvidence: 0.1, weights: { lexical: 0.7, vector: 0.3 } });
    expect(lexical.results[0]!.explain).toMatchObject({ method: "rrf", k: 5, sourceEvidence: 0, weights: { lexical: 0.7, vector: 0 } });
    // A word no document holds: the keywords find nothing, the vectors still answer.
    const [noKeyword, nearest] = await Promise.all([search(["zyxwvutsrq", "--mode", "lexical"]), search(["zyxwvutsrq", "--mode", "vector"])]);
    expect(noKeyword.results).toEqual([]);
    expect(nearest.results.length).toBeGreaterThan(0);
    // Without --explain there is no explanation; the human output prints it on a line of its own.
    expect((await search(["certificate", "rotation"])).results.every((r) => r.explain === undefined)).toBe(true);
    const human = await kmcp(["search", "certificate", "rotation", "--limit", "2", "--explain"], env);
    expect(human.stdout).toMatch(/^ {3}hybrid: keyword rank (#\d+|–), vector rank (#\d+|–), weights 0\.7\/0\.3 \(scores fused, source evidence 0\.1\), tier weight [\d.]+$/m);
    expect((await kmcp(["search", "certificate", "rotation", "--limit", "2", "--mode", "vector", "--explain"], env)).stdout).toMatch(/^ {3}vector mode: cosine × tier weight [\d.]+$/m);
  });

  it("keeps at most --per-source passages of a source and none below --min-score", async () => {
    const words = ["certificate", "rotation", "renew", "expiry", "--limit", "20"];
    const perSourceCounts = (answer: SearchJson) => [...answer.results.reduce((m, r) => m.set(r.source.id, (m.get(r.source.id) ?? 0) + 1), new Map<string, number>()).values()];
    const [defaults, one, five] = await Promise.all([search(words), search([...words, "--per-source", "1"]), search([...words, "--per-source", "5"])]);
    expect(Math.max(...perSourceCounts(defaults))).toBe(3);
    expect(Math.max(...perSourceCounts(one))).toBe(1);
    expect(one.results.length).toBeGreaterThanOrEqual(new Set(defaults.results.map((r) => r.source.id)).size);
    expect(Math.max(...perSourceCounts(five))).toBeGreaterThan(3);

    const threshold = defaults.results[2]!.score;
    const above = await search([...words, "--min-score", String(threshold)]);
    expect(above.results.map((r) => r.chunk.id)).toEqual(defaults.results.filter((r) => r.score >= threshold).map((r) => r.chunk.id));
    expect(above.results.length).toBeGreaterThanOrEqual(3);
    expect(above.results.length).toBeLessThan(defaults.results.length);
    const none = await kmcp(["search", ...words, "--min-score", "1", "--mode", "vector"], env);
    expect(none).toMatchObject({ code: 0, stdout: expect.stringContaining('No results for "certificate rotation renew expiry"') });
  });

  it("ranks with the tier weights of KMCP_SEARCH_TIER_WEIGHTS", async () => {
    const query = ["renew", "TLS", "certificates", "automatically", "before", "expiry", "--limit", "10"];
    const pair = (answer: SearchJson) => [...new Set(answer.results.map((r) => fileOf(r.source.url)))].filter((f) => f.startsWith("tls-rotation-"));
    const [defaults, reversed] = await Promise.all([
      search(query),
      search(query, { KMCP_SEARCH_TIER_WEIGHTS: "tier_1_canonical=0.5,tier_3_community=1" }),
    ]);
    expect(pair(defaults)).toEqual(["tls-rotation-official.md", "tls-rotation-blog.md"]);
    expect(pair(reversed)).toEqual(["tls-rotation-blog.md", "tls-rotation-official.md"]);
    const weight = { tier_1_canonical: 0.5, tier_2_trusted: 0.9, tier_3_community: 1 };
    for (const r of reversed.results) expect(r.score).toBeCloseTo(r.relevance * weight[r.source.authorityTier], 10);
  });
});

describe("with PostgreSQL unreachable", () => {
  const offline = () => ({ DATABASE_URL: "postgresql://kmcp:hunter22-secret@127.0.0.1:1/kmcp", CHROMA_URL: `http://127.0.0.1:${chromaPort}` });

  it("searches the same in every mode and with every option", async () => {
    const words = ["certificate", "rotation", "--limit", "10"];
    const variants = [
      ["--mode", "lexical", "--explain"],
      ["--mode", "vector", "--explain"],
      ["--explain", "--per-source", "1"],
      ["--min-score", "0.5", "--per-source", "5"],
      ['"rotation"', "--mode", "lexical"],
    ];
    const up = await Promise.all(variants.map((extra) => search([...words, ...extra])));
    const down = await Promise.all(variants.map((extra) => search([...words, ...extra], offline())));
    expect(down).toEqual(up);
    expect(down.every((answer) => answer.results.length > 0)).toBe(true);
  });

  it("searches the same, and says the metadata is the mirror's", async () => {
    const args = ["compare", "each", "row", "with", "the", "previous", "one", "--limit", "5"];
    const [up, down, human] = await Promise.all([search(args), search(args, offline()), kmcp(["search", ...args], { ...env, ...offline() })]);
    expect(down).toEqual(up);
    expect(down.results.length).toBeGreaterThan(0);
    expect(fileOf(down.results[0]!.source.url)).toBe("sql-window-functions.md");
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/^1\. /m);
    expect(human.stderr).toContain(`answered from the mirror as of ${up.mirrorAsOf}`);
    expect(human.stdout + human.stderr).not.toContain("hunter22-secret");
  });

  it("refuses to ingest with exit 5, saying why", async () => {
    const result = await kmcp(["ingest", path.join(docs, "canonical")], { ...env, ...offline() });
    expect(result.code).toBe(5);
    expect(result.stderr).toContain("Nothing was ingested: PostgreSQL is unreachable, and ingesting needs it to create");
    expect(result.stdout + result.stderr).not.toContain("hunter22-secret");
  });
});

describe("kmcp sources remove", () => {
  it("removes the source's chunks too, so search stops returning it", async () => {
    const query = ["keep", "a", "linear", "commit", "history", "--limit", "50"];
    const before = await search(query);
    const source = before.results[0]!.source;
    expect(fileOf(source.url)).toBe("git-rebase-vs-merge.md");
    expect(json(await kmcp(["sources", "remove", source.id, "--json"], env))).toEqual({ removed: source.id, url: source.url });
    const after = await search(query);
    expect(after.results.length).toBeGreaterThan(0);
    expect(after.results.map((r) => r.source.id)).not.toContain(source.id);
  });
});

describe("another embedder", () => {
  // An OpenAI-compatible /v1/embeddings server: word-hash vectors, and 401 unless the right key is sent.
  const KEY = "sk-test-good-key-123";
  let server: Server;
  let openai: Record<string, string>;
  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = "";
      req.on("data", (chunk: Buffer) => (body += chunk.toString()));
      req.on("end", () => {
        const auth = req.headers.authorization ?? "";
        res.setHeader("content-type", "application/json");
        if (auth !== `Bearer ${KEY}`) {
          res.statusCode = 401;
          return res.end(JSON.stringify({ error: { message: `Incorrect API key provided: ${auth.replace("Bearer ", "")}` } }));
        }
        const { input } = JSON.parse(body) as { input: string[] };
        res.end(JSON.stringify({ data: input.map((text, index) => ({ index, embedding: wordVector(text) })) }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    openai = {
      KMCP_EMBEDDER: "openai",
      KMCP_EMBEDDING_URL: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
      KMCP_EMBEDDING_MODEL: "fake-embed",
      KMCP_EMBEDDING_API_KEY: KEY,
    };
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("refuses chunks of another embedder with exit 4; --reset re-ingests with the new one", async () => {
    const [searched, ingested] = await Promise.all([
      kmcp(["search", "tls"], { ...env, ...openai }),
      kmcp(["ingest", path.join(docs, "canonical")], { ...env, ...openai }),
    ]);
    for (const result of [searched, ingested]) {
      expect(result.code).toBe(4);
      expect(result.stderr).toContain("were embedded by local:hash-v1");
      expect(result.stderr).toContain("kmcp ingest --reset");
    }
    const reset = json<IngestJson>(await kmcp(["ingest", path.join(docs, "canonical"), "--reset", "--json"], { ...env, ...openai }));
    expect(reset.reset).toMatchObject({ previousEmbedder: "local:hash-v1", chunksRemoved: expect.any(Number) });
    expect(reset.reset!.chunksRemoved).toBeGreaterThan(0);
    expect(reset.documents.map((d) => [d.outcome, d.sourceCreated])).toEqual(GROUPS.canonical.map(() => ["added", false]));

    const found = await search(["rotate", "TLS", "certificates"], openai);
    expect(found.embedder).toBe("openai:fake-embed");
    expect(found.results.length).toBeGreaterThan(0);
    expect(found.results.every((r) => GROUPS.canonical.includes(fileOf(r.source.url)))).toBe(true);
    expect(fileOf(found.results[0]!.source.url)).toBe("tls-rotation-official.md");
    const local = await kmcp(["search", "tls"], env);
    expect(local.code).toBe(4);
  });

  it("fails with exit 1 and the embedder's message when it refuses, never showing the key", async () => {
    const wrongKey = "sk-test-WRONG-key-987";
    const result = await kmcp(["search", "tls", "--verbose"], { ...env, ...openai, KMCP_EMBEDDING_API_KEY: wrongKey });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("HTTP 401");
    expect(result.stderr).toContain("check KMCP_EMBEDDING_API_KEY");
    expect(result.stdout + result.stderr).not.toContain(wrongKey);
  });
});

/** A unit vector of hashed words: texts sharing words point the same way. */
function wordVector(text: string): number[] {
  const vector = new Array<number>(64).fill(0);
  for (const word of text.toLowerCase().match(/[a-z0-9]+/g) ?? []) vector[createHash("md5").update(word).digest()[0]! % 64]! += 1;
  const norm = Math.hypot(...vector) || 1;
  return vector.map((v) => v / norm);
}
