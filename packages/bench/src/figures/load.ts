import { spawn, type ChildProcess } from "node:child_process";
import { readFile, writeFile } from "node:fs/promises";
import { loadavg } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createChromaStore } from "@kmcp/chroma-store";
import type { AuthorityTier, SourceType } from "@kmcp/core";
import { createDb } from "@kmcp/db";
import { startLocalChroma } from "@kmcp/local-servers";
import { createIngester, createLocalEmbedder } from "@kmcp/search";
import { createSyncManager } from "@kmcp/sync-core";
import { answerKey } from "../answer-key.mjs";
import { callTool, runLoad, type LoadResult, type ToolCall } from "../load-client.js";
import type { Figure } from "../report.js";
import { percentile, round } from "../stats.js";
import { seedSources } from "../servers.js";

const kmcpServer = fileURLToPath(new URL("../../../../apps/mcp/dist/main.js", import.meta.url));
const bareServer = fileURLToPath(new URL("../bare-mcp-http-server.mjs", import.meta.url));
const CORPUS_DIR = fileURLToPath(new URL("../../../search/corpus/", import.meta.url));
const TOKEN = "bench-load-token-0123456789";
const CLIENTS = 50;

/** Starts a server process and resolves its MCP URL from what it prints when listening. */
async function start(command: string[], env: Record<string, string>, listening: (line: string) => string | undefined): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, command, { env: { ...(process.env as Record<string, string>), ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  const url = await new Promise<string>((resolve, reject) => {
    const read = (d: Buffer) => {
      output += d.toString();
      for (const line of output.split("\n")) {
        const found = line.startsWith("{") ? listening(line) : undefined;
        if (found) resolve(found);
      }
    };
    child.stdout!.on("data", read);
    child.stderr!.on("data", read);
    child.once("exit", (code) => reject(new Error(`server exited ${code}: ${output.slice(-2000)}`)));
  });
  return { url, child };
}

/** CPU seconds a process has used so far (user + system), from /proc. */
async function cpuSeconds(pid: number): Promise<number> {
  const fields = (await readFile(`/proc/${pid}/stat`, "utf8")).split(") ")[1]!.split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** A load run against one server, with the CPU it, Chroma and this client used. */
async function measure(url: string, headers: Record<string, string>, pid: number, chromaPid: number, durationMs: number, calls: ToolCall[]) {
  const [serverBefore, chromaBefore, clientBefore] = [await cpuSeconds(pid), await cpuSeconds(chromaPid), process.cpuUsage()];
  const result = await runLoad({ url, headers, clients: CLIENTS, durationMs, calls });
  const client = process.cpuUsage(clientBefore);
  return {
    result,
    serverCpuS: (await cpuSeconds(pid)) - serverBefore,
    chromaCpuS: (await cpuSeconds(chromaPid)) - chromaBefore,
    clientCpuS: (client.user + client.system) / 1e6,
  };
}

type Measured = Awaited<ReturnType<typeof measure>>;

/** Two runs as one: calls, errors and time added up, latencies pooled. */
function merge(a: Measured, b: Measured): Measured {
  const latencies = new Map(a.result.latencies);
  for (const [tool, samples] of b.result.latencies) latencies.set(tool, [...(latencies.get(tool) ?? []), ...samples]);
  return {
    result: {
      latencies,
      calls: a.result.calls + b.result.calls,
      errors: a.result.errors + b.result.errors,
      failures: [...a.result.failures, ...b.result.failures].slice(0, 5),
      elapsedMs: a.result.elapsedMs + b.result.elapsedMs,
    },
    serverCpuS: a.serverCpuS + b.serverCpuS,
    chromaCpuS: a.chromaCpuS + b.chromaCpuS,
    clientCpuS: a.clientCpuS + b.clientCpuS,
  };
}

const all = (r: LoadResult) => [...r.latencies.values()].flat();
const throughput = (r: LoadResult) => r.calls / (r.elapsedMs / 1000);

/**
 * Figure 9: one kmcp instance over Streamable HTTP under 50 concurrent clients calling
 * knowledge_sources and knowledge_search, against the SDK's bare stateless server answering the
 * same calls with kmcp's own answers, in the same run.
 */
export async function measureLoad(options: { database: (name: string) => Promise<string>; dir: string; sources: number; durationMs: number }): Promise<Figure> {
  const chroma = await startLocalChroma({ dataDir: path.join(options.dir, "load-chroma") });
  const children: ChildProcess[] = [];
  try {
    // A knowledge base to serve: seeded sources, the search corpus ingested, the mirror synced.
    const url = await options.database("load");
    const db = createDb({ url });
    await db.migrate();
    await seedSources(url, options.sources);
    const store = createChromaStore({ url: chroma.url, requestTimeoutMs: 120_000 });
    const ingester = createIngester({ db, store, embedder: createLocalEmbedder() });
    const manifest = JSON.parse(await readFile(path.join(CORPUS_DIR, "manifest.json"), "utf8")) as { file: string; sourceType: SourceType; authorityTier: AuthorityTier }[];
    for (const entry of manifest) await ingester.ingestFiles([entry.file], { root: CORPUS_DIR, sourceType: entry.sourceType, authorityTier: entry.authorityTier });
    await createSyncManager({ db, store }).syncSources();
    await Promise.all([db.close(), store.close()]);

    const queries = (JSON.parse(await readFile(path.join(CORPUS_DIR, "queries.json"), "utf8")) as { query: string }[]).slice(0, 8).map((q) => q.query);
    const sourceArgs = [{ limit: 20 }, { limit: 20, sourceType: "documentation" }, { limit: 20, authorityTier: "tier_1_canonical" }, { limit: 20, query: "bench-1" }];
    const calls: ToolCall[] = queries.flatMap((query, i) => [
      { tool: "knowledge_sources", args: sourceArgs[i % sourceArgs.length]! },
      { tool: "knowledge_search", args: { query, limit: 10 } },
    ]);

    const env = { DATABASE_URL: url, CHROMA_URL: chroma.url, KMCP_HOME: path.join(options.dir, "load-home"), KMCP_SYNC_INTERVAL_MS: "3600000", KMCP_MCP_TOKEN: TOKEN };
    const kmcp = await start([kmcpServer, "--http", "--port", "0"], env, (line) => (JSON.parse(line) as { msg?: string; url?: string }).msg === "listening" ? (JSON.parse(line) as { url: string }).url : undefined);
    children.push(kmcp.child);
    const auth = { authorization: `Bearer ${TOKEN}` };

    // The bare server answers each call with exactly what kmcp answered.
    const answers: Record<string, unknown> = {};
    for (const { tool, args } of calls) answers[answerKey(tool, args)] = await callTool(kmcp.url, auth, { tool, args });
    const answersFile = path.join(options.dir, "load-answers.json");
    await writeFile(answersFile, JSON.stringify(answers));
    const bare = await start([bareServer], { BARE_ANSWERS: answersFile }, (line) => {
      const port = (JSON.parse(line) as { port?: number }).port;
      return port ? `http://127.0.0.1:${port}/mcp` : undefined;
    });
    children.push(bare.child);

    // Warm-up (not counted), then kmcp, bare, bare, kmcp: other work on the machine drifting
    // during the runs weighs on both servers alike.
    for (const [server, headers] of [[kmcp, auth], [bare, {}]] as const) await runLoad({ url: server.url, headers, clients: CLIENTS, durationMs: 5_000, calls });
    const load = loadavg()[0]!;
    const chromaPid = chroma.pid!;
    const kmcpRun = () => measure(kmcp.url, auth, kmcp.child.pid!, chromaPid, options.durationMs, calls);
    const bareRun = () => measure(bare.url, {}, bare.child.pid!, chromaPid, options.durationMs, calls);
    const [k1, b1, b2, k2] = [await kmcpRun(), await bareRun(), await bareRun(), await kmcpRun()];
    const [k, b] = [merge(k1, k2), merge(b1, b2)];
    // The same with knowledge_sources alone (a third of the time), to tell the HTTP and MCP
    // layers' cost from search's.
    const listings = calls.filter((c) => c.tool === "knowledge_sources");
    const shortMs = Math.round(options.durationMs / 3);
    const kmcpList = () => measure(kmcp.url, auth, kmcp.child.pid!, chromaPid, shortMs, listings);
    const bareList = () => measure(bare.url, {}, bare.child.pid!, chromaPid, shortMs, listings);
    const [kl1, bl1, bl2, kl2] = [await kmcpList(), await bareList(), await bareList(), await kmcpList()];
    const [kl, bl] = [merge(kl1, kl2), merge(bl1, bl2)];
    const loadAfter = loadavg()[0]!;

    const seconds = round(options.durationMs / 1000, 0);
    const workload = `${CLIENTS} clients, 2 × ${seconds} s`;
    const ms = (samples: number[], p: number) => percentile(samples, p);
    const line = (label: string, samples: number[], reps = samples.length) => ({ label, workload, reps, median: ms(samples, 50), p95: ms(samples, 99), unit: "ms (p95 column: p99)" });
    const ratio = throughput(k.result) / throughput(b.result);
    const listRatio = throughput(kl.result) / throughput(bl.result);
    const listWorkload = `${CLIENTS} clients, 2 × ${round(shortMs / 1000, 0)} s`;
    const errors = k.result.errors + b.result.errors + kl.result.errors + bl.result.errors;
    return {
      title: "9. Streamable HTTP under load (50 clients)",
      measurements: [
        line("kmcp, both tools", all(k.result)),
        line("kmcp, knowledge_sources (limit 20)", k.result.latencies.get("knowledge_sources") ?? []),
        line("kmcp, knowledge_search (limit 10)", k.result.latencies.get("knowledge_search") ?? []),
        line("bare SDK HTTP server, same answers", all(b.result)),
        { label: "throughput — kmcp", workload, reps: k.result.calls, median: throughput(k.result), unit: "calls/s" },
        { label: "throughput — bare SDK HTTP server", workload, reps: b.result.calls, median: throughput(b.result), unit: "calls/s" },
        { label: "throughput, knowledge_sources alone — kmcp", workload: listWorkload, reps: kl.result.calls, median: throughput(kl.result), unit: "calls/s" },
        { label: "throughput, knowledge_sources alone — bare", workload: listWorkload, reps: bl.result.calls, median: throughput(bl.result), unit: "calls/s" },
        { label: "errors — kmcp / bare", workload, reps: k.result.calls + b.result.calls, median: k.result.errors + b.result.errors, unit: `errors (kmcp ${k.result.errors}, bare ${b.result.errors})` },
        { label: "server process CPU per call — kmcp / bare", workload, reps: 1, median: (k.serverCpuS / k.result.calls) * 1000, p95: (b.serverCpuS / b.result.calls) * 1000, unit: "ms (p95 column: bare)" },
        { label: "Chroma server CPU per call, serving kmcp", workload, reps: 1, median: (k.chromaCpuS / k.result.calls) * 1000, unit: "ms" },
        { label: "knowledge_sources alone: server process CPU per call — kmcp / bare", workload: listWorkload, reps: 1, median: (kl.serverCpuS / kl.result.calls) * 1000, p95: (bl.serverCpuS / bl.result.calls) * 1000, unit: "ms (p95 column: bare)" },
        { label: "knowledge_sources alone: Chroma server CPU per call", workload: listWorkload, reps: 1, median: (kl.chromaCpuS / kl.result.calls) * 1000, unit: "ms" },
      ],
      ratios: [
        { label: "throughput: kmcp / bare", value: round(ratio), target: "≥ 0.5", met: ratio >= 0.5 },
        { label: "throughput, knowledge_sources alone: kmcp / bare", value: round(listRatio), target: "(reported)", met: true },
        { label: "errors, all runs", value: errors, target: "0", met: errors === 0 },
      ],
      notes: [
        `${options.sources} sources and the 36-document search corpus; kmcp with a static bearer token (as it runs off loopback), the read cache on, its own Chroma server; calls alternate knowledge_sources (4 filter variants) and knowledge_search (8 queries). Each server ran ${seconds} s twice, in the order kmcp, bare, bare, kmcp, after 5 s of warm-up each; the bare server is the SDK's documented stateless pattern (a new McpServer and transport per request), kmcp reuses its servers. The load client (packages/bench/src/load-client.ts) runs in the bench process on the same 2 cores: ${round(k.clientCpuS, 1)} s CPU against kmcp, ${round(b.clientCpuS, 1)} s against the bare server.`,
        `Load average (1 min) when the runs began: ${round(load)}; after: ${round(loadAfter)}.`,
        ...[k, b, kl, bl].flatMap((m) => m.result.failures).slice(0, 5).map((f) => `failure: ${f}`),
      ],
    };
  } finally {
    for (const child of children) child.kill("SIGTERM");
    await chroma.destroy();
  }
}
