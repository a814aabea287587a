import path from "node:path";
import { buildEvalSet } from "./eval-set.js";
import { chunkDocument, createLexicalIndex } from "@kmcp/search";
const set = buildEvalSet({ storeDir: path.resolve("../../node_modules/.pnpm") });
const base = set.documents.flatMap((doc) => chunkDocument(doc.text, "markdown").map((c) => ({ id: `${doc.id}:${c.index}`, sourceId: doc.id, text: c.text, headingPath: c.headingPath })));
const chunks = Array.from({ length: 20 }, (_, r) => base.map((c) => ({ ...c, id: `${r}:${c.id}`, sourceId: `${r}:${c.sourceId}` }))).flat();
const index = createLexicalIndex();
for (let i = 0; i < chunks.length; i += 5000) index.add(chunks.slice(i, i + 5000));
const times: number[] = [];
const { Session } = await import("node:inspector/promises");
const session = new Session(); session.connect();
await session.post("Profiler.enable"); await session.post("Profiler.start");
for (const q of set.queries.slice(0, 60)) { const t = performance.now(); index.search(q.query, { limit: 100 }); times.push(performance.now() - t); }
const { profile } = await session.post("Profiler.stop");
times.sort((a, b) => a - b);
console.log("median", times[30]!.toFixed(1), "p95", times[56]!.toFixed(1));
const self = new Map<string, number>(); const byId = new Map(profile.nodes.map((n: any) => [n.id, n]));
profile.samples!.forEach((id: number, i: number) => { const n: any = byId.get(id); const k = `${n.callFrame.functionName} ${n.callFrame.url.split("/").slice(-2).join("/")}:${n.callFrame.lineNumber}`; self.set(k, (self.get(k) ?? 0) + (profile.timeDeltas![i] ?? 0) / 1000); });
console.log([...self].sort((a, b) => b[1] - a[1]).slice(0, 15).map(([k, v]) => `${v.toFixed(0)} ${k}`).join("\n"));
