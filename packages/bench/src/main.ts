// `pnpm bench [--quick] [--only <figure,...>] [--search-chunks <n>]`: runs every figure on real servers
// and writes BENCHMARKS.md. With --only (sync, reads, mcp, search, import, ingest, load, crawl, lag, leader, syncrun) it runs just those
// figures and prints their report without writing the file (paste the section in by hand).
// --search-chunks sets figure 6's collection size (default 10,000; issue #15's scale figure is 100,000).
// `--scale` runs only the million-source figure (100k with --quick, printed only) and puts it in
// BENCHMARKS.md, where a full run keeps it.
import { readFile, writeFile } from "node:fs/promises";
import { cpus, loadavg, totalmem } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
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

const quick = process.argv.includes("--quick");
const sizes = quick
  ? { small: 2_000, large: 10_000, chunks: 2_000, reps: 50, html: 50, pdf: 10, acquireReps: 3, loadSources: 2_000, loadMs: 10_000, crawl: { small: 55, large: 255 }, lagSeconds: 15, failovers: 3, syncRuns: 10 }
  : { small: 10_000, large: 100_000, chunks: 10_000, reps: 200, html: 200, pdf: 50, acquireReps: 5, loadSources: 10_000, loadMs: 60_000, crawl: { small: 100, large: 1_000 }, lagSeconds: 60, failovers: 5, syncRuns: 20 };
const searchChunksAt = process.argv.indexOf("--search-chunks");
if (searchChunksAt >= 0) {
  const n = Number(process.argv[searchChunksAt + 1]);
  if (!Number.isInteger(n) || n < 1_000 || n > 1_000_000) {
    process.stderr.write("--search-chunks takes a whole number from 1000 to 1000000\n");
    process.exit(2);
  }
  sizes.chunks = n;
}
const LAG_RATE = 50; // source writes a second, sustained
const log = (msg: string) => process.stderr.write(`[bench] ${msg}\n`);
const FIGURES = ["sync", "reads", "mcp", "search", "import", "ingest", "load", "crawl", "lag", "leader", "syncrun"] as const;
const onlyAt = process.argv.findIndex((a) => a === "--only" || a.startsWith("--only="));
const onlyArg = onlyAt < 0 ? undefined : process.argv[onlyAt]!.includes("=") ? process.argv[onlyAt]!.split("=")[1] : process.argv[onlyAt + 1];
const only = onlyArg?.split(",").map((f) => f.trim());
const unknown = only?.filter((f) => !(FIGURES as readonly string[]).includes(f));
if (onlyAt >= 0 && (!only?.length || unknown?.length)) {
  process.stderr.write(`--only takes figures from: ${FIGURES.join(", ")}\n`);
  process.exit(2);
}
const scale = process.argv.includes("--scale");
const runs = (figure: (typeof FIGURES)[number]) => !scale && (!only || only.includes(figure));
const began = performance.now();

const servers = await startServers();
try {
  const figures: Figure[] = [];
  // reads and mcp read the mirror the sync figure leaves behind.
  if (runs("sync") || runs("reads") || runs("mcp")) {
    const small = { url: await servers.database("small"), count: sizes.small };
    const large = { url: await servers.database("large"), count: sizes.large };
    for (const target of [small, large]) await seedDatabase(target.url, target.count);
    log(`seeded ${sizes.small} and ${sizes.large} sources`);
    const sync = await measureSync({ small, large, chromaUrl: servers.chroma.url, batchSize: DEFAULT_SYNC_BATCH_SIZE });
    if (runs("sync")) figures.push(sync.figure1, sync.figure2);
    log("sync figures done");
    if (runs("reads")) {
      const reads = await measureReads({ url: large.url, chromaUrl: servers.chroma.url, prefix: sync.prefix, count: large.count, reps: sizes.reps, postgres: servers.postgres });
      figures.push(reads.figure3, reads.figure4);
      log("read figures done");
    }
    if (runs("mcp")) {
      figures.push(await measureMcp({ url: large.url, chromaUrl: servers.chroma.url, home: path.join(servers.postgres.dataDir, "..", "home"), count: large.count, reps: sizes.reps }));
      log("mcp figure done");
    }
  }
  if (runs("search")) {
    figures.push(await measureSearch({ url: await servers.database("search"), chromaUrl: servers.chroma.url, chunkTarget: sizes.chunks, reps: sizes.reps, dir: path.join(servers.postgres.dataDir, "..") }));
    log("search figure done");
  }
  if (runs("import")) {
    figures.push(await measureImport({ database: servers.database, dir: path.join(servers.postgres.dataDir, ".."), small: sizes.small, large: sizes.large }));
    log("import figure done");
  }
  if (runs("ingest")) {
    const dir = path.join(servers.postgres.dataDir, "..", "ingest-corpus");
    figures.push(await measureIngest({ database: servers.database, chromaUrl: servers.chroma.url, chromaPid: servers.chroma.pid, dir, html: sizes.html, pdf: sizes.pdf, pdfPageCount: 6, acquireReps: sizes.acquireReps }));
    log("ingest figure done");
  }
  if (runs("crawl")) {
    figures.push(await measureCrawl({ database: servers.database, chromaUrl: servers.chroma.url, pages: sizes.crawl }));
    log("crawl figure done");
  }
  if (runs("load")) {
    const dir = path.join(servers.postgres.dataDir, "..");
    figures.push(await measureLoad({ database: servers.database, dir, sources: sizes.loadSources, durationMs: sizes.loadMs }));
    log("load figure done");
  }
  if (scale) {
    const count = quick ? 100_000 : 1_000_000;
    const small = { url: await servers.database("scale_small"), count: count / 10 };
    const large = { url: await servers.database("scale_large"), count };
    for (const target of [small, large]) await seedDatabase(target.url, target.count);
    log(`seeded ${small.count} and ${large.count} sources`);
    const dir = path.join(servers.postgres.dataDir, "..");
    const loadBefore = loadavg();
    const figure = await measureScale({ small, large, chromaUrl: servers.chroma.url, batchSize: DEFAULT_SYNC_BATCH_SIZE, reps: sizes.reps, postgres: servers.postgres, dir, log });
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
    if (runs("lag")) {
      figures.push(await measureLag({ url, chromaUrl: servers.chroma.url, seconds: sizes.lagSeconds, rate: LAG_RATE }));
      log("lag figure done");
    }
    if (runs("leader")) {
      figures.push(await measureLeader({ url, chromaUrl: servers.chroma.url, reps: sizes.failovers, changes: 2_000 }));
      log("leader figure done");
    }
    if (runs("syncrun")) {
      figures.push(await measureSyncRun({ url, reps: sizes.syncRuns }));
      log("sync run figure done");
    }
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
