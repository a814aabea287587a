// One long-running syncing process, as an MCP server runs it: background syncs on notified
// changes (or only the timer), one sync at a time across processes through the sync lease.
// env: DATABASE_URL CHROMA_URL PREFIX NAME PUSH (on|off) INTERVAL_MS BATCH_SIZE → one JSON line
// per event on stdout, with `t` in epoch ms (comparable across processes on this machine).
import { createChromaStore } from "@kmcp/chroma-store";
import { createDb } from "@kmcp/db";
import { createSyncManager } from "@kmcp/sync-core";

const env = process.env;
const now = () => performance.timeOrigin + performance.now();
const emit = (ev: string, data: object = {}) => process.stdout.write(`${JSON.stringify({ ev, t: now(), ...data })}\n`);

const db = createDb({ url: env.DATABASE_URL! });
const store = createChromaStore({ url: env.CHROMA_URL!, collectionPrefix: env.PREFIX!, requestTimeoutMs: 60_000 });
const sync = createSyncManager({ db, store, processName: env.NAME!, batchSize: Number(env.BATCH_SIZE ?? 2_500) });
sync.on("sync:started", () => emit("started"));
sync.on("sync:progress", (counts) => emit("progress", { counts }));
sync.on("sync:finished", (report) => emit("finished", { report }));
sync.on("sync:failed", (report) => emit("failed", { error: report.error }));
sync.on("trigger", (trigger) => emit("trigger", { trigger }));
sync.start({ intervalMs: Number(env.INTERVAL_MS ?? 30_000), push: env.PUSH !== "off" });

// The manager's timers do not hold a process open (libraries should not); this one runs until told.
const keepAlive = setInterval(() => {}, 1 << 30);
await new Promise((resolve) => process.once("SIGTERM", resolve));
clearInterval(keepAlive);
await sync.stop();
await Promise.all([db.close(), store.close()]);
