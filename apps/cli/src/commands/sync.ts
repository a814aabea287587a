import type { SyncState } from "@kmcp/core";
import { verifyMirror } from "@kmcp/sync-core";
import type { Command } from "commander";
import { action, respond, type CliContext } from "../context.js";
import { EXIT, ExitError } from "../exit-codes.js";
import { plural } from "./format.js";

export function registerSyncCommand(program: Command): void {
  const sync = program.command("sync").description("Keep the Chroma mirror in step with PostgreSQL");

  sync
    .command("run")
    .description("Sync now: the changes since the last sync, or everything with --full")
    .option("--full", "compare every source and repair drift, including records edited or added behind the sync's back")
    .option("--wait <seconds>", "how long to wait while another process syncs (default 60)")
    .action(
      action(async (ctx, flags: { full?: boolean; wait?: string }) => {
        const waitS = flags.wait === undefined ? 60 : Number(flags.wait);
        if (!Number.isFinite(waitS) || waitS < 0 || waitS > 86_400) throw new ExitError(EXIT.usage, "--wait must be a number of seconds from 0 to 86400.");
        const { sync: manager, store } = await ctx.syncServices();
        const progress = ctx.out.progress(flags.full ? "Full sync" : "Sync");
        // Counted once the sync's writes and report are stored, while its lease is released.
        let counting: Promise<number | null> | undefined;
        const countMirror = () => (counting ??= store.sources.count().catch(() => null));
        manager.on("sync:finished", () => void countMirror());
        const report = await manager.syncSources({
          mode: flags.full ? "full" : "incremental",
          waitMs: Math.round(waitS * 1000),
          onWait: (holder) => ctx.out.note(`Another process is syncing: ${holder}; waiting up to ${waitS} s for it to finish.`),
          onProgress: (c) => progress.update(c.upserted + c.deleted + c.unchanged),
        });
        progress.done();
        const mirrorSize = await countMirror();
        if (ctx.json) return ctx.out.json({ ...report, mirrorSize });
        const holds = mirrorSize === null ? "The mirror's size is unknown" : `The mirror holds ${plural(mirrorSize, "source")}`;
        ctx.out.line(`${holds}; this ${report.mode} sync wrote ${report.upserted}, deleted ${report.deleted}, left ${report.unchanged} unchanged (${report.durationMs} ms).`);
      }),
    );

  sync
    .command("status")
    .description("How fresh the mirror is and how the last sync went")
    .action(
      action(async (ctx) => {
        const { sync: manager } = await ctx.syncServices();
        respond(ctx, await manager.getState(), (state) => printState(ctx, state));
      }),
    );

  sync
    .command("watch")
    .description("Sync in the background and print what happens, until interrupted")
    .option("--interval <ms>", "time between syncs in ms (default: KMCP_SYNC_INTERVAL_MS)")
    .action(
      action(async (ctx, flags: { interval?: string }) => {
        const intervalMs = flags.interval === undefined ? ctx.config.syncIntervalMs : Number(flags.interval);
        if (!Number.isInteger(intervalMs) || intervalMs < 100) throw new ExitError(EXIT.usage, "--interval must be a whole number of milliseconds, at least 100.");
        const services = await ctx.syncServices();
        const manager = services.sync;
        const emit = (event: string, data: object) =>
          ctx.json ? ctx.out.line(JSON.stringify({ time: new Date().toISOString(), event, ...data })) : ctx.out.line(`${new Date().toISOString()}  ${event}  ${describeData(data)}`);
        manager.on("sync:finished", (r) => emit("synced", { mode: r.mode, upserted: r.upserted, deleted: r.deleted, unchanged: r.unchanged, durationMs: r.durationMs }));
        manager.on("sync:failed", (r) => emit("sync failed", { side: r.error?.side, error: r.error?.message }));
        manager.on("offline", () => emit("postgres offline", {}));
        manager.on("online", () => emit("postgres online", {}));
        manager.on("trigger", (t) => emit(t.waitingFor ? "waiting" : t.mode, t.waitingFor ? { for: t.waitingFor } : { reason: t.reason ?? undefined }));
        services.startSync({ intervalMs });
        // The manager's timer does not hold the process open (libraries should not); watch does.
        const keepAlive = setInterval(() => {}, 1 << 30);
        await new Promise<void>((resolve) => {
          process.once("SIGINT", resolve);
          process.once("SIGTERM", resolve);
        });
        clearInterval(keepAlive);
        await manager.stop();
      }),
    );

  sync
    .command("verify")
    .description("Compare PostgreSQL with the mirror; exits 1 and lists what differs when they disagree")
    .action(
      action(async (ctx) => {
        // Every source, read through the repository: the whole db, not only the sync's part.
        const { db, store } = await ctx.services();
        const result = await verifyMirror({ db, store });
        if (ctx.json) ctx.out.json(result);
        else if (result.inSync) ctx.out.line("The mirror matches PostgreSQL.");
        else {
          for (const [label, ids] of [
            ["missing from the mirror", result.missing],
            ["in the mirror only", result.extra],
            ["different in the mirror", result.drifted],
          ] as const) {
            for (const id of ids) ctx.out.line(`${label}: ${id}`);
          }
          ctx.out.line(`Drift: ${result.missing.length} missing, ${result.extra.length} extra, ${result.drifted.length} different. Run \`kmcp sync run --full\` to repair.`);
        }
        if (!result.inSync) throw new ExitError(EXIT.failure);
      }),
    );
}

function printState(ctx: CliContext, state: SyncState) {
  const colour = state.status === "synced" ? ctx.out.green : state.status === "pending" || state.status === "syncing" ? ctx.out.yellow : ctx.out.red;
  const rows: [string, string][] = [
    ["status", colour(state.status)],
    ["postgres", state.isOnline ? "online" : "offline"],
    ["last success", state.lastSuccessAt?.toISOString() ?? "never"],
    ["last sync", state.lastSyncAt ? `${state.lastSyncAt.toISOString()} (${state.lastMode}, ${state.durationMs} ms)` : "never"],
    ["counts", state.counts ? `${state.counts.upserted} written, ${state.counts.deleted} deleted, ${state.counts.unchanged} unchanged` : "-"],
    ["mirror size", state.mirrorSize === null ? "unknown (Chroma unreachable)" : String(state.mirrorSize)],
    ["syncing now", state.lease ? `${state.lease.holder} (since ${state.lease.since.toISOString()})` : state.isOnline ? "no process" : "unknown (PostgreSQL unreachable)"],
  ];
  if (state.trigger) rows.push(["trigger", state.trigger.mode === "push" ? "push (PostgreSQL notifies every change)" : `polling every ${state.trigger.intervalMs} ms: ${state.trigger.reason}`]);
  if (state.error) rows.push(["error", `${state.error.side}: ${state.error.message}`]);
  for (const [key, value] of rows) ctx.out.line(`${ctx.out.dim(key.padEnd(13))}${value}`);
}

function describeData(data: object): string {
  return Object.entries(data)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${v}`)
    .join(" ");
}
