import path from "node:path";
import { fileURLToPath } from "node:url";
import { DEFAULT_FUSION } from "@kmcp/search";
import { buildEvalSet } from "./eval-set.js";
import { evaluate, type Quality } from "./evaluate.js";

// Usage: pnpm --filter @kmcp/bench eval [storeDir]. Prints the table and the fusion sweep; writes nothing.
const storeDir = process.argv[2] ?? fileURLToPath(new URL("../../../../node_modules/.pnpm", import.meta.url));
const set = buildEvalSet({ storeDir: path.resolve(storeDir) });
console.log(`eval set ${set.digest}: ${set.documents.length} READMEs, ${set.queries.length} queries (from ${storeDir})`);
const params = { k: DEFAULT_FUSION.k, lexicalWeight: DEFAULT_FUSION.weights.lexical, vectorWeight: DEFAULT_FUSION.weights.vector };
const { chunks, buildMs, results, sweep } = await evaluate(set, params);
const row = (label: string, q: Quality) =>
  `| ${label} | ${q.recall1.toFixed(3)} | ${q.recall5.toFixed(3)} | ${q.recall10.toFixed(3)} | ${q.mrr10.toFixed(3)} |`;
console.log(`${chunks} chunks; build ms: ${JSON.stringify(Object.fromEntries(Object.entries(buildMs).map(([k, v]) => [k, Math.round(v)])))}`);
console.log("| method | recall@1 | recall@5 | recall@10 | MRR@10 |\n|---|---|---|---|---|");
console.log(row("lexical (MiniSearch BM25)", results.lexical));
console.log(row("vector (local:hash-v1)", results.vector));
console.log(row(`hybrid (RRF k=${params.k}, weights ${params.lexicalWeight}/${params.vectorWeight})`, results.hybrid));
console.log(row("reference: SQLite FTS5 bm25", results.fts5));
console.log("\nsweep (vector weight 1):\n| k | lexical weight | recall@1 | recall@5 | recall@10 | MRR@10 |\n|---|---|---|---|---|---|");
for (const s of sweep) console.log(`| ${s.k} | ${s.lexicalWeight} | ${s.recall1.toFixed(3)} | ${s.recall5.toFixed(3)} | ${s.recall10.toFixed(3)} | ${s.mrr10.toFixed(3)} |`);
