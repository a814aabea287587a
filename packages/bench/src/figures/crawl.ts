import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { startFixtureSite } from "@kmcp/testing/site";
import type { Figure, Measurement } from "../report.js";
import { round } from "../stats.js";

const exec = promisify(execFile);
const child = fileURLToPath(new URL("../crawl-child.ts", import.meta.url));
const LATENCY_MS = 20;
const CONCURRENCY = 3;

interface ChildRun {
  durationMs: number;
  /** CPU time of the crawl's process, all its threads. */
  cpuMs: number;
  peakRss: number;
  heapAfterGc: number;
  pages: number;
  chunks: number;
}

/** The floor under the same politeness: the site's pages fetched `concurrency` at a time with Node's fetch (keep-alive; no address checks, robots.txt, parsing or storing). */
async function plainFetchRate(base: string, paths: readonly string[]): Promise<number> {
  const queue = paths.map((p) => `${base}${/\.\w+$/.test(p) ? p : `${p}/`}`);
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      for (let url = queue.shift(); url; url = queue.shift()) await (await fetch(url)).arrayBuffer();
    }),
  );
  return paths.length / ((performance.now() - started) / 1000);
}

async function crawlInChild(mode: "kmcp" | "engine", url: string, chromaUrl: string, prefix: string, startUrl: string): Promise<ChildRun> {
  const { stdout } = await exec(process.execPath, ["--expose-gc", "--import", "tsx", child, mode, url, chromaUrl, prefix, startUrl], { maxBuffer: 1 << 20, timeout: 900_000 });
  return JSON.parse(stdout.trim().split("\n").at(-1)!) as ChildRun;
}

/**
 * Figure 9: crawling a generated documentation site served on 127.0.0.1 with 20 ms added to every
 * response, at the default politeness (3 requests at once): pages/s against the politeness limit
 * (3 / 20 ms = 150 pages/s), and the crawl's peak memory at 100 and 1,000 pages.
 */
export async function measureCrawl(options: { database: (name: string) => Promise<string>; chromaUrl: string; pages: { small: number; large: number } }): Promise<Figure> {
  const limit = CONCURRENCY / (LATENCY_MS / 1000);
  const perSection = 24;
  const sizes = [options.pages.small, options.pages.large];
  const runs: { size: number; pages: number; kmcp: ChildRun; engine: ChildRun; requests: number; plain: number }[] = [];
  for (const size of sizes) {
    const sections = Math.max(1, Math.round((size - 5) / (perSection + 1)));
    const site = await startFixtureSite({ sections, pagesPerSection: perSection, latencyMs: LATENCY_MS, throttleOnce: false });
    try {
      const plain = await plainFetchRate(site.base, site.expectedPaths());
      site.reset();
      const engine = await crawlInChild("engine", await options.database(`crawl_engine_${size}`), options.chromaUrl, `bench_crawl_engine_${size}_`, site.start);
      site.reset();
      const kmcp = await crawlInChild("kmcp", await options.database(`crawl_${size}`), options.chromaUrl, `bench_crawl_${size}_`, site.start);
      const expected = site.expectedPaths().length;
      if (kmcp.pages !== expected || engine.pages !== expected) throw new Error(`crawl of ${expected} pages stored ${kmcp.pages} (engine alone ${engine.pages})`);
      runs.push({ size, pages: expected, kmcp, engine, requests: site.requests.length, plain });
    } finally {
      await site.close();
    }
  }
  const rate = (run: ChildRun) => run.pages / (run.durationMs / 1000);
  const [small, large] = runs as [(typeof runs)[0], (typeof runs)[0]];
  const measurements: Measurement[] = runs.flatMap((run) => [
    { label: "baseline: the same pages fetched 3 at a time with Node's fetch (keep-alive; nothing checked, parsed or kept)", workload: `${run.pages} pages`, reps: 1, median: run.plain, unit: "pages/s" },
    { label: "kmcp crawl (frontier in PostgreSQL, extract, embed, Chroma)", workload: `${run.pages} pages, ${run.kmcp.chunks} chunks`, reps: 1, median: rate(run.kmcp), unit: "pages/s" },
    { label: "the crawler alone (fetch, links, politeness; keeps nothing)", workload: `${run.pages} pages`, reps: 1, median: rate(run.engine), unit: "pages/s" },
    { label: "kmcp crawl, CPU time of its process (all threads) per page", workload: `${run.pages} pages`, reps: 1, median: run.kmcp.cpuMs / run.pages, unit: "ms" },
    { label: "kmcp crawl, peak RSS of its process", workload: `${run.pages} pages`, reps: 1, median: run.kmcp.peakRss / 2 ** 20, unit: "MiB" },
    { label: "kmcp crawl, JS heap still held at the end (after a full GC)", workload: `${run.pages} pages`, reps: 1, median: run.kmcp.heapAfterGc / 2 ** 20, unit: "MiB" },
  ]);
  const ratio = rate(large.kmcp) / limit;
  const memory = large.kmcp.peakRss / small.kmcp.peakRss;
  const held = large.kmcp.heapAfterGc / small.kmcp.heapAfterGc;
  return {
    title: "10. Crawl",
    measurements: [{ label: "baseline: the politeness limit, 3 requests at once × 20 ms each", workload: "", reps: 1, median: limit, unit: "pages/s" }, ...measurements],
    ratios: [
      { label: `kmcp crawl of ${large.pages} pages / politeness limit`, value: round(ratio), target: "≥ 0.7", met: ratio >= 0.7 },
      { label: `kmcp crawl / plain fetch of the same pages (measured in this run)`, value: round(rate(large.kmcp) / large.plain), target: "(context)", met: true },
      { label: `the crawler alone / politeness limit`, value: round(rate(large.engine) / limit), target: "(context)", met: true },
      { label: `peak RSS, ${large.pages} pages / ${small.pages} pages`, value: round(memory), target: "≤ 1.25 (flat)", met: memory <= 1.25 },
      { label: `heap held after GC, ${large.pages} pages / ${small.pages} pages`, value: round(held), target: "≤ 1.25 (flat)", met: held <= 1.25 },
    ],
    notes: [
      `Site: @kmcp/testing's fixture site (sections of ${perSection} pages with nav and footer, a sitemap index, llms.txt, robots.txt, a redirect, out-of-scope and external links, a PNG and a 404) on 127.0.0.1, every response delayed ${LATENCY_MS} ms; no Crawl-delay. A section's folder URL redirects to its slash, so a crawl makes more requests than pages (${large.requests} for ${large.pages} pages).`,
      `Each crawl runs in a process of its own (peak RSS sampled every 20 ms; the heap measured after a forced full GC at the end, \`--expose-gc\`), into a fresh database and chunk collection; the local embedder. The crawler alone uses a sink that keeps nothing, to separate the cost of politeness and fetching from indexing.`,
    ],
  };
}
