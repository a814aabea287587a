import { loadavg } from "node:os";
import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { startLocalChroma } from "@kmcp/local-servers";
import type { Figure } from "../report.js";
import { median, p95, round, timeInterleaved } from "../stats.js";

const exec = promisify(execFile);
const cli = fileURLToPath(new URL("../../../../apps/cli/dist/main.js", import.meta.url));

/**
 * Figure 11: the built `kmcp sync run` when there is nothing to sync, against starting Node.js on
 * an empty script (the baseline, in the same run, interleaved). The difference is the command's
 * own work: loading its modules, connecting, checking migrations, taking the sync lease, reading
 * the change feed and writing the report.
 */
export async function measureSyncRun(options: { url: string; reps: number }): Promise<Figure> {
  const loadBefore = loadavg()[0]!;
  const dir = await mkdtemp(path.join(tmpdir(), "kmcp-bench-syncrun-"));
  // A Chroma of its own: the CLI uses the default collection prefix, which figure 5 uses too.
  const chroma = await startLocalChroma({ dataDir: path.join(dir, "chroma") });
  try {
    const empty = path.join(dir, "empty.mjs");
    await writeFile(empty, "");
    const env = { ...process.env, DATABASE_URL: options.url, CHROMA_URL: chroma.url, KMCP_HOME: path.join(dir, "home"), KMCP_LOG_LEVEL: "warn", NO_COLOR: "1" };
    const syncRun = () => exec(process.execPath, [cli, "sync", "run", "--json"], { env, timeout: 120_000 });
    const first = JSON.parse((await syncRun()).stdout) as { upserted: number };
    const idle = JSON.parse((await syncRun()).stdout) as { upserted: number; deleted: number; durationMs: number };
    if (idle.upserted + idle.deleted !== 0) throw new Error("the second sync run still had something to do");
    const [node, run] = await timeInterleaved(options.reps, [() => exec(process.execPath, [empty]), syncRun]);
    const own = run.map((ms, i) => ms - node[i]!);
    return {
      title: "14. `kmcp sync run` with nothing to do (`--only syncrun`)",
      measurements: [
        { label: "baseline: node on an empty script", workload: "process start and exit", reps: node.length, median: round(median(node)), p95: round(p95(node)), unit: "ms" },
        { label: "kmcp sync run --json, nothing to sync", workload: `${first.upserted} sources mirrored`, reps: run.length, median: round(median(run)), p95: round(p95(run)), unit: "ms" },
        { label: "its own work (run − baseline, per pair)", workload: "modules, connections, sync", reps: own.length, median: round(median(own)), p95: round(p95(own)), unit: "ms" },
      ],
      notes: [`Load average (1 min) when the figure began: ${loadBefore.toFixed(2)}; after: ${loadavg()[0]!.toFixed(2)}.`],
      ratios: [
        { label: "own work, median (ms)", value: round(median(own)), target: "≤ 200", met: median(own) <= 200 },
        { label: "sync run / node start, median", value: round(median(run) / median(node)), target: "(context)", met: true },
      ],
    };
  } finally {
    await chroma.destroy();
    await rm(dir, { recursive: true, force: true });
  }
}
