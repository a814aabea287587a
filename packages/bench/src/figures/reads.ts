import { createChromaStore } from "@kmcp/chroma-store";
import type { SourceListQuery } from "@kmcp/core";
import { createDb, DbError } from "@kmcp/db";
import type { LocalPostgres } from "@kmcp/local-servers";
import { createConnectivityMonitor, createSourceCatalog, createSyncManager, type SourceCatalog } from "@kmcp/sync-core";
import type { Figure } from "../report.js";
import { median, p95, round, timeRuns } from "../stats.js";

const LIST: SourceListQuery = { sourceType: "documentation", authorityTier: "tier_1_canonical", limit: 50 };

export async function measureReads(options: { url: string; chromaUrl: string; prefix: string; count: number; reps: number; postgres: LocalPostgres }) {
  const { url, chromaUrl, prefix, count, reps, postgres } = options;
  const db = createDb({ url, connectTimeoutMs: 1_000 });
  const store = createChromaStore({ url: chromaUrl, collectionPrefix: prefix, requestTimeoutMs: 30_000 });
  const manager = createSyncManager({ db, store });
  const ids = (await db.prisma.source.findMany({ select: { id: true }, take: reps, orderBy: { url: "asc" } })).map((s) => s.id);
  // Kept warm, as the MCP server keeps it (figure 4 measures that server's failover).
  const online = createSourceCatalog({ db, store, connectivity: manager.connectivity, mirrorAsOf: manager.mirrorAsOf, keepWarm: manager });
  // A monitor that knows PostgreSQL is down and never finds it back: every read goes to the mirror.
  const down = createConnectivityMonitor({ ping: async () => ({ ok: false, reason: "unreachable", latencyMs: 0, message: "bench" }), failureThreshold: 1, retryAfterMs: 3_600_000 });
  down.reportFailure(new DbError("UNREACHABLE", "bench"));
  const offline = createSourceCatalog({ db, store, connectivity: down, mirrorAsOf: manager.mirrorAsOf });

  const expectOrigin = (catalog: SourceCatalog, origin: string) => async (i: number, kind: "list" | "get") => {
    const answer = kind === "list" ? await catalog.list(LIST) : await catalog.get(ids[i % ids.length]!);
    if (answer.origin !== origin) throw new Error(`expected ${origin}, got ${answer.origin}`);
  };
  const primary = expectOrigin(online, "primary");
  const mirror = expectOrigin(offline, "mirror");
  // Warm up both paths. Offline lists are served from an in-memory snapshot once it has loaded
  // in the background; figure 3 measures that steady state, figure 4 the cold start.
  await primary(0, "list");
  const warmUntil = performance.now() + 30_000;
  let fast = 0;
  while (fast < 5 && performance.now() < warmUntil) {
    const started = performance.now();
    await mirror(0, "list");
    fast = performance.now() - started < 5 ? fast + 1 : 0;
  }
  const pgList = await timeRuns(reps, (i) => primary(i, "list"));
  const mirrorList = await timeRuns(reps, (i) => mirror(i, "list"));
  const pgGet = await timeRuns(reps, (i) => primary(i, "get"));
  const mirrorGet = await timeRuns(reps, (i) => mirror(i, "get"));

  const figure3: Figure = {
    title: "3. Catalog reads",
    measurements: [
      { label: "list, two filters, 50 per page — PostgreSQL", workload: `${count} sources`, reps, median: median(pgList), p95: p95(pgList), unit: "ms" },
      { label: "list, two filters, 50 per page — mirror", workload: `${count} sources`, reps, median: median(mirrorList), p95: p95(mirrorList), unit: "ms" },
      { label: "get by id — PostgreSQL", workload: `${count} sources`, reps, median: median(pgGet), p95: p95(pgGet), unit: "ms" },
      { label: "get by id — mirror", workload: `${count} sources`, reps, median: median(mirrorGet), p95: p95(mirrorGet), unit: "ms" },
    ],
    ratios: [
      { label: "list p95: mirror / PostgreSQL", value: round(p95(mirrorList) / p95(pgList)), target: "≤ 3", met: p95(mirrorList) / p95(pgList) <= 3 },
      { label: "get p95: mirror / PostgreSQL", value: round(p95(mirrorGet) / p95(pgGet)), target: "≤ 3", met: p95(mirrorGet) / p95(pgGet) <= 3 },
    ],
  };

  // Failover: reads in a loop, PostgreSQL killed, until the mirror answers; then more reads.
  await online.whenWarm();
  let failed = 0;
  for (let i = 0; i < 5; i++) await primary(i, "list");
  const killedAt = performance.now();
  await postgres.kill();
  let firstAnswerMs = Number.NaN;
  while (Number.isNaN(firstAnswerMs)) {
    try {
      const answer = await online.list(LIST);
      if (answer.origin === "mirror") firstAnswerMs = performance.now() - killedAt;
    } catch {
      failed += 1;
      if (performance.now() - killedAt > 30_000) throw new Error("no mirror answer within 30 s of the kill");
    }
  }
  const after = await timeRuns(reps, async () => {
    try {
      if ((await online.list(LIST)).origin !== "mirror") throw new Error("expected the mirror");
    } catch {
      failed += 1;
    }
  });
  await postgres.start();
  await db.close();
  const figure4: Figure = {
    title: "4. Failover",
    measurements: [
      { label: "kill → first read answered from the mirror", workload: `${count} sources`, reps: 1, median: firstAnswerMs, unit: "ms" },
      { label: "reads after failover (list, two filters)", workload: `${count} sources`, reps, median: median(after), p95: p95(after), unit: "ms" },
      { label: "normal mirror reads (figure 3)", workload: `${count} sources`, reps, median: median(mirrorList), p95: p95(mirrorList), unit: "ms" },
      { label: "failed reads", workload: "whole failover", reps: 1, median: failed, unit: "reads" },
    ],
    ratios: [
      { label: "first answer (ms)", value: round(firstAnswerMs, 0), target: "≤ 1000", met: firstAnswerMs <= 1000 },
      { label: "after-failover p95 / normal mirror p95", value: round(p95(after) / p95(mirrorList)), target: "≤ 2", met: p95(after) / p95(mirrorList) <= 2 },
      { label: "failed reads", value: failed, target: "0", met: failed === 0 },
    ],
  };
  return { figure3, figure4 };
}
