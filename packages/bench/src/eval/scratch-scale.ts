import path from "node:path";
import MiniSearch from "minisearch";
import { buildEvalSet } from "./eval-set.js";
import { chunkDocument, createLexicalIndex } from "@kmcp/search";
const set = buildEvalSet({ storeDir: path.resolve("../../node_modules/.pnpm") });
const base = set.documents.flatMap((doc) => chunkDocument(doc.text, "markdown").map((c) => ({ id: `${doc.id}:${c.index}`, sourceId: doc.id, text: c.text, headingPath: c.headingPath })));
const chunks = Array.from({ length: 20 }, (_, r) => base.map((c) => ({ ...c, id: `${r}:${c.id}`, sourceId: `${r}:${c.sourceId}` }))).flat();
global.gc?.(); const h0 = process.memoryUsage().heapUsed;
let t = performance.now();
const index = createLexicalIndex();
for (let i = 0; i < chunks.length; i += 2000) index.add(chunks.slice(i, i + 2000));
console.log("chunks", chunks.length, "add ms", (performance.now() - t).toFixed(0));
global.gc?.(); console.log("heap MiB", ((process.memoryUsage().heapUsed - h0) / 2 ** 20).toFixed(0), "rss", (process.memoryUsage().rss / 2 ** 20).toFixed(0));
t = performance.now(); const ids = index.ids(); console.log("ids ms", (performance.now() - t).toFixed(0), ids.length);
for (const q of set.queries.slice(0, 5)) { t = performance.now(); index.search(q.query, { limit: 100 }); console.log("search ms", (performance.now() - t).toFixed(1), q.query.slice(0, 40)); }
const { lexicalTokens, lexicalTerm } = await import("@kmcp/search");
const mini = new MiniSearch<any>({ fields: ["text", "headings", "identifiers"], storeFields: ["sourceId"], tokenize: lexicalTokens, processTerm: lexicalTerm, searchOptions: { boost: { headings: 1, identifiers: 1 }, bm25: { k: 1.2, b: 0.75, d: 0 }, combineWith: "OR" } });
t = performance.now();
mini.addAll(chunks.slice(0, 50000).map((c) => { const headings = c.headingPath.join("\n"); return { id: c.id, sourceId: c.sourceId, text: c.text, headings, identifiers: `${headings}\n${c.text}` }; }));
console.log("raw addAll 50k", (performance.now() - t).toFixed(0));
for (const q of set.queries.slice(0, 5)) {
  t = performance.now(); const r = mini.search(q.query); const a = performance.now() - t;
  t = performance.now(); mini.search(q.query, { filter: () => true }); const b = performance.now() - t;
  t = performance.now(); mini.search(q.query, { fields: ["text"] }); const c = performance.now() - t;
  console.log(`raw ${a.toFixed(0)} filter ${b.toFixed(0)} textOnly ${c.toFixed(0)} results ${r.length}`);
}
t = performance.now(); const json = JSON.stringify(mini); console.log("toJSON ms", (performance.now() - t).toFixed(0), "MiB", (json.length / 2 ** 20).toFixed(0));
t = performance.now(); MiniSearch.loadJSON(json, { fields: ["text", "headings", "identifiers"], storeFields: ["sourceId"], tokenize: lexicalTokens, processTerm: lexicalTerm }); console.log("loadJSON ms", (performance.now() - t).toFixed(0));
