import { loadavg } from "node:os";
import { createChromaStore } from "@kmcp/chroma-store";
import { createDb } from "@kmcp/db";
import { DEFAULT_LEASE_TTL_MS, verifyMirror } from "@kmcp/sync-core";
import pg from "pg";
import type { Figure } from "../report.js";
import { median, p95, percentile, round } from "../stats.js";
import { epochNow, startSyncInstance, type SyncInstance } from "../sync-instances.js";

const BATCH = 100;

/**
 * Figure 10: three syncing processes share one sync lease; the one syncing is SIGKILLed half-way
 * through a sync of `changes` sources (batches of 100), and another takes over once its lease
 * lapses. Measured from the kill: the next sync started by another process, and the mirror
 * matching PostgreSQL again. The lease's time-to-live is the baseline: a takeover cannot come
 * sooner than the rest of the dead holder's lease.
 */
export async function measureLeader(options: { url: string; chromaUrl: string; reps: number; changes: number }): Promise<Figure> {
  const { url, chromaUrl, reps, changes } = options;
  const prefix = "leader_";
  const start = (n: number) => startSyncInstance({ url, chromaUrl, prefix, name: `leader-${n}`, push: true, intervalMs: 30_000, batchSize: BATCH });
  let spawned = 0;
  const instances: SyncInstance[] = Array.from({ length: 3 }, () => start(spawned++));
  const db = createDb({ url });
  const store = createChromaStore({ url: chromaUrl, collectionPrefix: prefix, requestTimeoutMs: 60_000 });
  const writer = new pg.Client({ connectionString: url });
  await writer.connect();
  const loadBefore = loadavg()[0]!;
  const takeovers: number[] = [];
  const caughtUp: number[] = [];
  const redone: number[] = [];
  try {
    await Promise.any(instances.map((i) => i.waitFor((e) => e.ev === "finished", 0, 600_000)));
    for (let rep = 0; rep < reps; rep++) {
      await Promise.all(instances.map((i) => i.waitFor((e) => e.ev === "trigger" && (e.trigger as { mode: string }).mode === "push", 0, 30_000)));
      const writtenAt = epochNow();
      await writer.query(`UPDATE sources SET title = title || '.' WHERE id IN (SELECT id FROM sources ORDER BY md5(id::text || $1) LIMIT $2)`, [String(rep), changes]);
      // The process that takes the lease for this change, killed after a few of its batches.
      const leader = await Promise.race(instances.map((i) => i.waitFor((e) => e.ev === "progress" && (e.counts as { upserted: number }).upserted >= 3 * BATCH, writtenAt, 60_000).then(() => i)));
      const killedAt = epochNow();
      await leader.stop("SIGKILL");
      const survivors = instances.filter((i) => i !== leader);
      const next = await Promise.race(survivors.map((i) => i.waitFor((e) => e.ev === "started", killedAt, 60_000).then((e) => ({ i, t: e.t }))));
      takeovers.push(next.t - killedAt);
      const done = await next.i.waitFor((e) => e.ev === "finished", next.t, 120_000);
      caughtUp.push(done.t - killedAt);
      const report = done.report as { upserted: number; unchanged: number };
      redone.push((report.upserted + report.unchanged) / changes);
      const diff = await verifyMirror({ db, store });
      if (!diff.inSync) throw new Error(`after the takeover the mirror differs: ${diff.missing.length} missing, ${diff.drifted.length} drifted`);
      instances.splice(instances.indexOf(leader), 1, start(spawned++));
    }
  } finally {
    await writer.end();
    await Promise.all(instances.map((i) => i.stop()));
    await Promise.all([db.close(), store.close()]);
  }
  const ttl = DEFAULT_LEASE_TTL_MS;
  const worst = percentile(takeovers, 100);
  return {
    title: "13. One sync leader: takeover after SIGKILL (`--only leader`)",
    measurements: [
      { label: "baseline: the sync lease's time-to-live", workload: "renewed every 1/3 of it", reps: 1, median: ttl, unit: "ms" },
      { label: "kill → another process's sync starts", workload: `3 processes, ${changes} changed sources`, reps: takeovers.length, median: round(median(takeovers)), p95: round(p95(takeovers)), unit: "ms" },
      { label: "kill → the mirror matches PostgreSQL", workload: `3 processes, ${changes} changed sources`, reps: caughtUp.length, median: round(median(caughtUp)), p95: round(p95(caughtUp)), unit: "ms" },
      { label: "share of the changes the new leader re-read", workload: "from the dead leader's checkpoint", reps: redone.length, median: round(median(redone)), p95: round(p95(redone)), unit: "of all" },
    ],
    ratios: [
      { label: "worst takeover (ms)", value: round(worst), target: "≤ 5000", met: worst <= 5_000 },
      { label: "worst takeover / lease time-to-live", value: round(worst / ttl), target: "≤ 1.2 (lapse + one retry)", met: worst / ttl <= 1.2 },
    ],
    notes: [
      `Load average (1 min) when the figure began: ${loadBefore.toFixed(2)}; after: ${loadavg()[0]!.toFixed(2)}.`,
      "A SIGKILLed holder stops renewing; its lease lapses at most a time-to-live after its last renewal (2/3 of one on average), and the waiting processes retry just after it would lapse. The new leader resumes from the checkpoint the dead one stored, and the mirror is verified against PostgreSQL after every takeover.",
    ],
  };
}
