import { execFile } from "node:child_process";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { createChromaStore, type MirrorRecordInput } from "@kmcp/chroma-store";
import { createDb } from "@kmcp/db";
import type { LocalPostgres } from "@kmcp/local-servers";
import { createSourceCatalog, createSyncManager } from "@kmcp/sync-core";
import pg from "pg";
import type { Figure } from "../report.js";
import { median, p95, round, timeRuns } from "../stats.js";
import { dropCollection, mirrorRecords, rawUpsertRate, syncInChild } from "./sync.js";

const exec = promisify(execFile);
const mirrorChild = fileURLToPath(new URL("../mirror-copy-child.mjs", import.meta.url));
const HOUR = 3_600_000;
const mb = (bytes: number) => bytes / 1024 / 1024;
/** The start of the figure's heading in BENCHMARKS.md, where a full run keeps it. */
export const SCALE_HEADING = "## 11. A million sources";
const LIST = { sourceType: "documentation", authorityTier: "tier_1_canonical", limit: 50 } as const;

async function runChild<T>(args: string[]): Promise<T> {
  const { stdout } = await exec(process.execPath, args, { maxBuffer: 1 << 24, timeout: HOUR });
  return JSON.parse(stdout.trim().split("\n").at(-1)!) as T;
}

interface MirrorRun {
  mirrorSize: number;
  loadMs: number;
  heldBefore: number;
  heldAfter: number;
  rssBefore: number;
  rssAfter: number;
  peakRss: number;
  list: number[];
  listFrom: number[];
  getById: number[];
  getByUrl: number[];
}

/**
 * `pnpm bench -- --scale`: a million sources (100k with --quick). The full sync against raw
 * Chroma upserts of the same records, its peak memory at a tenth of the size and at full size,
 * an incremental sync that finds nothing, and offline reads from the in-memory copy of the
 * mirror with PostgreSQL stopped (and what that copy costs).
 */
export async function measureScale(options: {
  small: { url: string; count: number };
  large: { url: string; count: number };
  chromaUrl: string;
  batchSize: number;
  reps: number;
  postgres: LocalPostgres;
  dir: string;
  log: (msg: string) => void;
}): Promise<Figure> {
  const { small, large, chromaUrl, batchSize, reps, postgres, dir, log } = options;

  const smallRun = await syncInChild(small.url, chromaUrl, "scale_small_", batchSize);
  log(`full sync of ${small.count}: ${(smallRun.durationMs / 1000).toFixed(1)} s, peak RSS ${mb(smallRun.peakRss).toFixed(0)} MB`);
  await dropCollection(chromaUrl, "scale_small_sources_metadata");

  // The sync is bracketed by raw upserts of the same records at the same batch size (Chroma
  // slows a little as its files grow), and compared with their mean.
  let records: MirrorRecordInput[] | undefined = await mirrorRecords(large.url);
  const before = await rawUpsertRate(chromaUrl, records, batchSize, "scale_base_before_");
  log(`baseline before: ${before.toFixed(0)} records/s`);
  const largeRun = await syncInChild(large.url, chromaUrl, "scale_", batchSize);
  log(`full sync of ${large.count}: ${(largeRun.durationMs / 1000).toFixed(1)} s, peak RSS ${mb(largeRun.peakRss).toFixed(0)} MB`);
  const after = await rawUpsertRate(chromaUrl, records, batchSize, "scale_base_after_");
  log(`baseline after: ${after.toFixed(0)} records/s`);
  records = undefined;
  if (largeRun.upserted !== large.count) throw new Error(`the full sync wrote ${largeRun.upserted} of ${large.count} sources`);
  const bracket = (before + after) / 2;
  const syncRate = large.count / (largeRun.durationMs / 1000);

  // Incremental syncs that find nothing, in one warm process, as a server's timer runs them.
  const db = createDb({ url: large.url });
  const store = createChromaStore({ url: chromaUrl, collectionPrefix: "scale_", requestTimeoutMs: 300_000 });
  const manager = createSyncManager({ db, store, batchSize });
  await manager.syncSources();
  const idle = await timeRuns(5, async () => {
    const report = await manager.syncSources();
    if (report.upserted + report.deleted !== 0) throw new Error("an idle sync wrote to the mirror");
  });

  // PostgreSQL reads as the baseline of the offline ones, then PostgreSQL stopped.
  const catalog = createSourceCatalog({ db, store, connectivity: manager.connectivity, mirrorAsOf: manager.mirrorAsOf });
  const client = new pg.Client({ connectionString: large.url });
  await client.connect();
  const { rows: samples } = await client.query<{ id: string; url: string }>(`SELECT id::text, url FROM sources ORDER BY random() LIMIT $1`, [reps]);
  await client.end();
  await catalog.list(LIST);
  const pgList = await timeRuns(reps, () => catalog.list(LIST));
  const pgGet = await timeRuns(reps, (i) => catalog.get(samples[i % samples.length]!.id));
  await db.close();
  const samplesFile = path.join(dir, "scale-samples.json");
  await writeFile(samplesFile, JSON.stringify(samples));
  await postgres.stop();
  log("PostgreSQL stopped; loading the in-memory copy of the mirror");
  let copy: MirrorRun;
  try {
    copy = await runChild<MirrorRun>(["--expose-gc", mirrorChild, large.url, chromaUrl, "scale_", samplesFile, String(reps)]);
  } finally {
    await postgres.start();
  }
  const copyMb = mb(copy.heldAfter - copy.heldBefore);
  const perRecord = (copy.heldAfter - copy.heldBefore) / copy.mirrorSize;
  const rssRatio = largeRun.peakRss / smallRun.peakRss;
  const idleShare = median(idle) / largeRun.durationMs;

  return {
    title: `${SCALE_HEADING.slice(3)} (\`pnpm bench -- --scale\`)`,
    measurements: [
      { label: `baseline: Chroma upsert just before the sync (batches of ${batchSize})`, workload: `${large.count} records`, reps: 1, median: before, unit: "records/s" },
      { label: `baseline: Chroma upsert just after the sync (batches of ${batchSize})`, workload: `${large.count} records`, reps: 1, median: after, unit: "records/s" },
      { label: `full sync (batch ${batchSize})`, workload: `${large.count} sources`, reps: 1, median: syncRate, unit: "records/s" },
      { label: "full sync duration", workload: `${large.count} sources`, reps: 1, median: largeRun.durationMs / 1000, unit: "s" },
      { label: "full sync duration", workload: `${small.count} sources`, reps: 1, median: smallRun.durationMs / 1000, unit: "s" },
      { label: "peak RSS of the sync process", workload: `${small.count} sources`, reps: 1, median: mb(smallRun.peakRss), unit: "MB" },
      { label: "peak RSS of the sync process", workload: `${large.count} sources`, reps: 1, median: mb(largeRun.peakRss), unit: "MB" },
      { label: "incremental sync, nothing changed", workload: `0 of ${large.count}`, reps: idle.length, median: median(idle), p95: p95(idle), unit: "ms" },
      { label: "in-memory mirror copy: load (PostgreSQL stopped)", workload: `${copy.mirrorSize} records`, reps: 1, median: copy.loadMs / 1000, unit: "s" },
      { label: "in-memory mirror copy: memory held (heap + buffers)", workload: `${copy.mirrorSize} records`, reps: 1, median: copyMb, unit: "MB" },
      { label: "in-memory mirror copy: per record", workload: `${copy.mirrorSize} records`, reps: 1, median: perRecord, unit: "bytes" },
      { label: "process holding the copy: RSS after load / peak while loading", workload: `${copy.mirrorSize} records`, reps: 1, median: mb(copy.rssAfter), p95: mb(copy.peakRss), unit: "MB" },
      { label: "list, two filters, 50 per page — PostgreSQL", workload: `${large.count} sources`, reps, median: median(pgList), p95: p95(pgList), unit: "ms" },
      { label: "list, two filters, 50 per page — mirror, offline", workload: `${large.count} sources`, reps, median: median(copy.list), p95: p95(copy.list), unit: "ms" },
      { label: "list, two filters, from a random cursor — mirror, offline", workload: `${large.count} sources`, reps, median: median(copy.listFrom), p95: p95(copy.listFrom), unit: "ms" },
      { label: "get by id — PostgreSQL", workload: `${large.count} sources`, reps, median: median(pgGet), p95: p95(pgGet), unit: "ms" },
      { label: "get by id — mirror, offline", workload: `${large.count} sources`, reps, median: median(copy.getById), p95: p95(copy.getById), unit: "ms" },
      { label: "get by url — mirror, offline", workload: `${large.count} sources`, reps, median: median(copy.getByUrl), p95: p95(copy.getByUrl), unit: "ms" },
    ],
    ratios: [
      { label: "sync / mean of the raw upserts around it", value: round(syncRate / bracket), target: "≥ 0.8", met: syncRate / bracket >= 0.8 },
      { label: `peak RSS of the sync ${large.count} / ${small.count}`, value: round(rssRatio), target: "flat (≤ 1.5)", met: rssRatio <= 1.5 },
      { label: "incremental, nothing changed / full (%)", value: round(100 * idleShare, 3), target: "≤ 0.2 %", met: idleShare <= 0.002 },
      { label: "in-memory copy per source (bytes)", value: round(perRecord, 0), target: "≤ 256 (≤ 256 MB at 1M)", met: perRecord <= 256 },
      { label: "peak RSS of the process loading the copy (MB)", value: round(mb(copy.peakRss), 0), target: "≤ 1024", met: mb(copy.peakRss) <= 1024 },
      { label: "list p95: mirror offline / PostgreSQL", value: round(p95(copy.list) / p95(pgList)), target: "≤ 3", met: p95(copy.list) / p95(pgList) <= 3 },
      { label: "get p95: mirror offline / PostgreSQL", value: round(p95(copy.getById) / p95(pgGet)), target: "≤ 3", met: p95(copy.getById) / p95(pgGet) <= 3 },
    ],
  };
}
