import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import { createWriteStream } from "node:fs";
import { once } from "node:events";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { createDb } from "@kmcp/db";
import { DEFAULT_IMPORT_BATCH_SIZE } from "@kmcp/runtime";
import pg from "pg";
import type { Figure } from "../report.js";
import { round } from "../stats.js";

const exec = promisify(execFile);
const child = fileURLToPath(new URL("../import-child.mjs", import.meta.url));

interface ChildRun {
  durationMs: number;
  peakRss: number;
  created: number;
  updated: number;
  unchanged: number;
  rejected: number;
}

async function importInChild(url: string, file: string, mode: "import" | "read" = "import"): Promise<ChildRun> {
  const { stdout } = await exec(process.execPath, [child, url, file, mode], { maxBuffer: 1 << 20, timeout: 600_000 });
  return JSON.parse(stdout.trim().split("\n").at(-1)!) as ChildRun;
}

const TYPES = ["website", "documentation", "standards_body", "blog", "repository"];
const TIERS = ["tier_1_canonical", "tier_2_trusted", "tier_3_community"];
const STATUSES = ["pending", "active", "failed", "archived"];

/** Varied sources, like seedSources: every type and tier, a status on half, a description on a third. */
function sourceRow(i: number) {
  return {
    url: `https://import-${i}.example.test/docs/${i % 97}`,
    title: `Imported source ${i}`,
    sourceType: TYPES[i % 5]!,
    authorityTier: TIERS[i % 3]!,
    ...(i % 2 === 0 ? { status: STATUSES[(i / 2) % 4]! } : {}),
    ...(i % 3 === 0 ? { description: `About imported source ${i}` } : {}),
  };
}

async function writeJsonLines(file: string, count: number): Promise<void> {
  const out = createWriteStream(file);
  for (let i = 0; i < count; i++) {
    if (!out.write(`${JSON.stringify(sourceRow(i))}\n`)) await once(out, "drain");
  }
  out.end();
  await once(out, "finish");
}

/** The floor: the same rows as plain multi-row INSERTs through pg, 1000 rows a statement, no checks. */
async function plainInsertRate(url: string, count: number): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const started = performance.now();
    for (let from = 0; from < count; from += 1000) {
      const params: unknown[] = [];
      const values: string[] = [];
      for (let i = from; i < Math.min(count, from + 1000); i++) {
        const r = sourceRow(i);
        const b = params.length;
        params.push(randomUUID(), r.url, r.title, r.sourceType, r.authorityTier, r.status ?? "pending", r.description ?? null);
        values.push(`($${b + 1}::uuid, $${b + 2}, $${b + 3}, $${b + 4}::"SourceType", $${b + 5}::"AuthorityTier", $${b + 6}::"SourceStatus", $${b + 7}, now())`);
      }
      await client.query(`INSERT INTO sources (id, url, title, source_type, authority_tier, status, description, updated_at) VALUES ${values.join(", ")}`, params);
    }
    return count / ((performance.now() - started) / 1000);
  } finally {
    await client.end();
  }
}

export async function measureImport(options: { database: (name: string) => Promise<string>; dir: string; small: number; large: number }): Promise<Figure> {
  const { database, dir, small, large } = options;
  const fresh = async (name: string) => {
    const url = await database(name);
    const db = createDb({ url });
    await db.migrate();
    await db.close();
    return url;
  };
  const smallFile = path.join(dir, `import-${small}.jsonl`);
  const largeFile = path.join(dir, `import-${large}.jsonl`);
  await writeJsonLines(smallFile, small);
  await writeJsonLines(largeFile, large);

  const baseline = await plainInsertRate(await fresh("import_baseline"), large);
  const smallRun = await importInChild(await fresh("import_small"), smallFile);
  const largeUrl = await fresh("import_large");
  const first = await importInChild(largeUrl, largeFile);
  const again = await importInChild(largeUrl, largeFile);
  const floor = await importInChild(largeUrl, largeFile, "read");
  if (first.created !== large || again.unchanged !== large || smallRun.created !== small || floor.unchanged !== large) {
    throw new Error(`import counts are off: ${JSON.stringify({ smallRun, first, again, floor })}`);
  }
  const rate = large / (first.durationMs / 1000);
  const mb = (bytes: number) => bytes / 1024 / 1024;
  return {
    title: "7. Bulk import",
    measurements: [
      { label: "baseline: plain multi-row INSERT through pg (1000 rows a statement)", workload: `${large} sources, empty table`, reps: 1, median: baseline, unit: "rows/s" },
      { label: `importSourceFile, JSON Lines (batch ${DEFAULT_IMPORT_BATCH_SIZE})`, workload: `${large} sources, empty table`, reps: 1, median: rate, unit: "rows/s" },
      { label: "first import duration", workload: `${large} sources`, reps: 1, median: first.durationMs / 1000, unit: "s" },
      { label: "re-import of the unchanged file", workload: `${large} sources`, reps: 1, median: again.durationMs / 1000, unit: "s" },
      { label: "floor: stream + JSON.parse + validate every row, no database", workload: `${large} sources`, reps: 1, median: floor.durationMs / 1000, unit: "s" },
      { label: "peak RSS of the import process", workload: `${small} sources`, reps: 1, median: mb(smallRun.peakRss), unit: "MB" },
      { label: "peak RSS of the import process", workload: `${large} sources`, reps: 1, median: mb(first.peakRss), unit: "MB" },
    ],
    ratios: [
      { label: "import / plain INSERT", value: round(rate / baseline), target: "≥ 0.5", met: rate / baseline >= 0.5 },
      { label: "import rows/s", value: round(rate, 0), target: "≥ 10000", met: rate >= 10_000 },
      {
        label: "re-import / first import (%)",
        value: round((100 * again.durationMs) / first.durationMs, 1),
        target: "≤ 10 %",
        met: again.durationMs / first.durationMs <= 0.1,
      },
      { label: "floor / first import (%)", value: round((100 * floor.durationMs) / first.durationMs, 1), target: "(reported)", met: true },
      { label: `peak RSS at ${large} (MB)`, value: round(mb(first.peakRss), 0), target: "≤ 200", met: mb(first.peakRss) <= 200 },
      { label: `peak RSS ${large} / ${small}`, value: round(first.peakRss / smallRun.peakRss), target: "flat (≤ 1.5)", met: first.peakRss / smallRun.peakRss <= 1.5 },
    ],
    notes: [
      "The import validates every row (SourceCreateSchema), reads the stored row, and writes only what changed; the baseline does none of that.",
      "Each import runs in a child process of its own on the built packages (plain node, as the CLI runs), so its RSS is the import's alone.",
    ],
  };
}
