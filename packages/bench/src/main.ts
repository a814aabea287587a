// `pnpm bench [--quick] [--only <figure,...>] [--search-chunks <n>] [--scale]`: runs every figure on
// real servers and writes BENCHMARKS.md. With --only (names in FIGURES below) it runs just those
// figures and prints their report without writing the file (paste the section in by hand).
// --search-chunks sets figure 6's collection size (default 10,000; issue #15's scale figure is 100,000).
// `--scale` runs only the million-source figure (100k with --quick, printed only) and puts it in
// BENCHMARKS.md, where a full run keeps it.
import { readFile, writeFile } from "node:fs/promises";
import { cpus, loadavg, totalmem } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { DEFAULT_SYNC_BATCH_SIZE } from "@kmcp/sync-core";
import { measureCrawl } from "./figures/crawl.js";
import { measureImport } from "./figures/import.js";
import { measureIngest } from "./figures/ingest.js";
import { measureLoad } from "./figures/load.js";
import { measureLag } from "./figures/lag.js";
import { measureLeader } from "./figures/leader.js";
import { measureMcp } from "./figures/mcp.js";
import { measureReads } from "./figures/reads.js";
import { measureScale, SCALE_HEADING } from "./figures/scale.js";
import { measureSearch } from "./figures/search.js";
import { measureSync } from "./figures/sync.js";
import { measureSyncRun } from "./figures/sync-run.js";
import { HISTORY } from "./history.js";
import { putSection, findSection, renderFigure, renderReport, type Figure } from "./report.js";
import { seedDatabase, startServers } from "./servers.js";

const FIGURES = ["sync", "reads", "mcp", "search", "import", "ingest", "load", "crawl", "lag", "leader", "syncrun"] as const;
type FigureName = (typeof FIGURES)[number];

/** The command line; a usage error ends the run with exit code 2. */
function parseFlags() {
  const fail = (message: string): never => {
    process.stderr.write(`${message}\n`);
    process.exit(2);
  };
  let values;
  try {
    // A "--" from `pnpm bench -- --quick` (through turbo) is not an end of options here.
    ({ values } = parseArgs({
      args: process.argv.slice(2).filter((arg) => arg !== "--"),
      options: { quick: { type: "boolean" }, scale: { type: "boolean" }, only: { type: "string" }, "search-chunks": { type: "string" } },
    }));
  } catch (error) {
    return fail((error as Error).message);
  }
  const only = values.only?.split(",").map((f) => f.trim());
  if (only && (only.length === 0 || only.some((f) => !(FIGURES as readonly string[]).includes(f)))) fail(`--only takes figures from: ${FIGURES.join(", ")}`);
  const searchChunks = values["search-chunks"] === undefined ? undefined : Number(values["search-chunks"]);
  if (searchChunks !== undefined && (!Number.isInteger(searchChunks) || searchChunks < 1_000 || searchChunks > 1_000_000)) {
    fail("--search-chunks takes a whole number from 1000 to 1000000");
  }
  return { quick: values.quick ?? false, scale: values.scale ?? false, only: only as FigureName[] | undefined, searchChunks };
}

const { quick, scale, only, searchChunks } = parseFlags();
const sizes = quick
  ? { small: 2_000, large: 10_000, chunks: 2_000, reps: 50, html: 50, pdf: 10, ingestReps: 3, acquireReps: 3, loadSources: 2_000, loadMs: 10_000, crawl: { small: 55, large: 255 }, lagSeconds: 15, failovers: 3, syncRuns: 10 }
  : { small: 10_000, large: 100_000, chunks: 10_000, reps: 200, html: 200, pdf: 50, ingestReps: 5, acquireReps: 5, loadSources: 10_000, loadMs: 60_000, crawl: { small: 100, large: 1_000 }, lagSeconds: 60, failovers: 5, syncRuns: 20 };
if (searchChunks !== undefined) sizes.chunks = searchChunks;
const LAG_RATE = 50; // source writes a second, sustained
const log = (msg: string) => process.stderr.write(`[bench] ${msg}\n`);
const runs = (figure: FigureName) => !scale && (!only || only.includes(figure));
const began = performance.now();

const servers = await startServers();
try {
  const figures: Figure[] = [];
  /** Runs one figure's measurement when this run asks for it. */
  const measure = async (name: FigureName, run: () => Promise<Figure | Figure[]>) => {
    if (!runs(name)) return;
    figures.push(...[await run()].flat());
    log(`${name} done`);
  };
  const { chroma } = servers;
  const dir = path.join(servers.postgres.dataDir, "..");
  // reads and mcp read the mirror the sync figure leaves behind.
  if (runs("sync") || runs("reads") || runs("mcp")) {
    const small = { url: await servers.database("small"), count: sizes.small };
    const large = { url: await servers.database("large"), count: sizes.large };
    for (const target of [small, large]) await seedDatabase(target.url, target.count);
    log(`seeded ${sizes.small} and ${sizes.large} sources`);
    const sync = await measureSync({ small, large, chromaUrl: chroma.url, batchSize: DEFAULT_SYNC_BATCH_SIZE });
    await measure("sync", async () => [sync.figure1, sync.figure2]);
    await measure("reads", async () => {
      const reads = await measureReads({ url: large.url, chromaUrl: chroma.url, prefix: sync.prefix, count: large.count, reps: sizes.reps, postgres: servers.postgres });
      return [reads.figure3, reads.figure4];
    });
    await measure("mcp", () => measureMcp({ url: large.url, chromaUrl: chroma.url, home: path.join(dir, "home"), count: large.count, reps: sizes.reps }));
  }
  await measure("search", async () => measureSearch({ url: await servers.database("search"), chromaUrl: chroma.url, chunkTarget: sizes.chunks, reps: sizes.reps, dir }));
  await measure("import", () => measureImport({ database: servers.database, dir, small: sizes.small, large: sizes.large }));
  await measure("ingest", () =>
    measureIngest({ database: servers.database, chromaUrl: chroma.url, chromaPid: chroma.pid, dir: path.join(dir, "ingest-corpus"), html: sizes.html, pdf: sizes.pdf, pdfPageCount: 6, reps: sizes.ingestReps, acquireReps: sizes.acquireReps }),
  );
  await measure("crawl", () => measureCrawl({ database: servers.database, chromaUrl: chroma.url, pages: sizes.crawl }));
  await measure("load", () => measureLoad({ database: servers.database, dir, sources: sizes.loadSources, durationMs: sizes.loadMs }));
  if (scale) {
    const count = quick ? 100_000 : 1_000_000;
    const small = { url: await servers.database("scale_small"), count: count / 10 };
    const large = { url: await servers.database("scale_large"), count };
    for (const target of [small, large]) await seedDatabase(target.url, target.count);
    log(`seeded ${small.count} and ${large.count} sources`);
    const loadBefore = loadavg();
    const figure = await measureScale({ small, large, chromaUrl: chroma.url, batchSize: DEFAULT_SYNC_BATCH_SIZE, reps: sizes.reps, postgres: servers.postgres, dir, log });
    const load = (l: number[]) => l.map((n) => n.toFixed(1)).join(", ");
    figure.notes = [
      `Run on ${new Date().toISOString().slice(0, 10)}, ${((performance.now() - began) / 60_000).toFixed(0)} min wall clock, ${cpus().length} cores, load average (1, 5, 15 min) ${load(loadBefore)} at the start and ${load(loadavg())} at the end: other sessions share these cores.`,
      ...(figure.notes ?? []),
    ];
    figures.push(figure);
    log("scale figure done");
  }
  if (runs("lag") || runs("leader") || runs("syncrun")) {
    // One database for the three: each figure writes to different sources (lag: its own share of
    // them, leader: titles it appends to) and mirrors into collections of its own.
    const url = await servers.database("push");
    const sources = Math.max(sizes.small, LAG_RATE * sizes.lagSeconds * 3);
    await seedDatabase(url, sources);
    log(`seeded ${sources} sources for the push figures`);
    await measure("lag", () => measureLag({ url, chromaUrl: chroma.url, seconds: sizes.lagSeconds, rate: LAG_RATE }));
    await measure("leader", () => measureLeader({ url, chromaUrl: chroma.url, reps: sizes.failovers, changes: 2_000 }));
    await measure("syncrun", () => measureSyncRun({ url, reps: sizes.syncRuns }));
  }
  const cpu = cpus()[0]?.model ?? "unknown CPU";
  const report = renderReport(figures, {
    history: HISTORY,
    machine: `${cpus().length} × ${cpu}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node.js ${process.version}, ${process.platform}`,
    mode: quick ? "quick" : "full",
    date: new Date().toISOString().slice(0, 10),
    durationS: (performance.now() - began) / 1000,
  });
  const out = fileURLToPath(new URL(`../../../${quick ? "BENCHMARKS.quick.md" : "BENCHMARKS.md"}`, import.meta.url));
  process.stdout.write(report);
  const current = await readFile(out, "utf8").catch(() => "");
  const keepBefore = "## Changes made after profiling";
  if (scale && quick) log(`--scale --quick: ${path.basename(out)} left as it was`);
  else if (scale) {
    await writeFile(out, putSection(current, SCALE_HEADING, renderFigure(figures[0]!), keepBefore));
    log(`put the scale figure in ${out}`);
  } else if (only) log(`--only ${only.join(",")}: ${path.basename(out)} left as it was`);
  else {
    // The scale figure is not part of this run: keep the last one.
    const kept = findSection(current, SCALE_HEADING);
    await writeFile(out, kept ? putSection(report, SCALE_HEADING, kept, keepBefore) : report);
    log(`wrote ${out}`);
  }
} finally {
  await servers.close();
}
