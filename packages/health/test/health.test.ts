import { createSyncManager, type OfflineSyncManager } from "@kmcp/sync-core";
import { startPrivateChroma } from "@kmcp/testing/chroma";
import { startNotificationDroppingProxy } from "@kmcp/testing/pg-proxy";
import { createTestDatabase, startPrivatePostgres } from "@kmcp/testing/postgres";
import type { Db } from "@kmcp/db";
import { cleanUp } from "@kmcp/testing/clean-up";
import { describe, expect, it } from "vitest";
import { createHealthCheck, createHealthHandler, healthExitCode, type HealthReport } from "../src/index.js";
import { isolatedStore, migratedDb, seedSources, serve } from "./helpers.js";

const statuses = (report: HealthReport) =>
  Object.fromEntries(Object.entries(report.checks).map(([key, [check]]) => [key, check!.status]));

describe("with PostgreSQL, Chroma and a synced mirror all up", () => {
  it("passes, with a reading for every check", async () => {
    const db = await migratedDb();
    const store = isolatedStore();
    await seedSources(db, 3);
    const sync = createSyncManager({ db, store });
    await sync.syncSources();

    const report = await createHealthCheck({ postgres: db, chroma: store, mirror: sync, redact: db.redact }).report();
    expect(report.status).toBe("pass");
    expect(report).not.toHaveProperty("output");
    expect(statuses(report)).toEqual({ "postgres:responseTime": "pass", "chroma:responseTime": "pass", "mirror:freshness": "pass" });
    for (const [check] of Object.values(report.checks)) {
      expect(check).toMatchObject({ componentType: "datastore", observedValue: expect.any(Number), time: expect.any(String) });
      expect(check!.observedValue).toBeGreaterThanOrEqual(0);
      expect(Number.isNaN(Date.parse(check!.time))).toBe(false);
      expect(check).not.toHaveProperty("output");
    }
    expect(healthExitCode(report)).toBe(0);
  });

  it("warns when the write backlog is above its threshold, and only reports it when given", async () => {
    const db = await migratedDb();
    const store = isolatedStore();
    const sync = createSyncManager({ db, store });
    await sync.syncSources();
    const report = await createHealthCheck({
      postgres: db,
      chroma: store,
      mirror: sync,
      backlog: { pendingWrites: async () => 250 },
      backlogWarnAbove: 200,
    }).report();
    expect(report.status).toBe("warn");
    expect(report.checks["writes:backlog"]?.[0]).toMatchObject({ status: "warn", observedValue: 250, observedUnit: "writes" });
    expect(report.output).toContain("250 writes are waiting for PostgreSQL");
    expect(healthExitCode(report)).toBe(1);
  });

  it("warns when no sync has completed yet", async () => {
    const db = await migratedDb();
    const store = isolatedStore();
    const report = await createHealthCheck({ postgres: db, chroma: store, mirror: createSyncManager({ db, store }) }).report();
    expect(report.status).toBe("warn");
    expect(report.checks["mirror:freshness"][0]).toMatchObject({ status: "warn", observedValue: null, output: expect.stringContaining("no mirror yet") });
  });

  it("warns about a stale mirror, saying how old it is", async () => {
    const db = await migratedDb();
    const store = isolatedStore();
    const sync = createSyncManager({ db, store });
    await sync.syncSources();
    await new Promise((resolve) => setTimeout(resolve, 20));
    const report = await createHealthCheck({ postgres: db, chroma: store, mirror: sync, mirrorMaxAgeMs: 5 }).report();
    expect(report.status).toBe("warn");
    expect(statuses(report)).toEqual({ "postgres:responseTime": "pass", "chroma:responseTime": "pass", "mirror:freshness": "warn" });
    expect(report.checks["mirror:freshness"][0]!.output).toMatch(/^The mirror is \d+ ms old \(last synced .+\), older than the 5 ms limit\.$/);
    expect(report.output).toBe(report.checks["mirror:freshness"][0]!.output);
  });
});

describe("sync:trigger, from a sync manager running background syncs", () => {
  /** A manager on `db` running background syncs with `options`, and a health check that reads its trigger. */
  function startSyncing(db: Db, options: Parameters<OfflineSyncManager["start"]>[0]) {
    const store = isolatedStore();
    const sync = createSyncManager({ db, store });
    sync.start(options);
    cleanUp(() => sync.stop());
    return {
      /** The report once the manager has settled on `mode` (push is proved by a real notification's round trip). */
      async reportWhen(mode: "push" | "polling") {
        await expect.poll(() => sync.trigger()?.mode === mode && !/^connecting/.test(sync.trigger()?.reason ?? ""), { timeout: 30_000, interval: 50 }).toBe(true);
        return createHealthCheck({ postgres: db, chroma: store, mirror: sync, trigger: sync }).report();
      },
    };
  }

  it("passes while changes are pushed, and when polling is what was configured", async () => {
    const db = await migratedDb();
    const pushed = await startSyncing(db, { intervalMs: 60_000 }).reportWhen("push");
    expect(pushed.checks["sync:trigger"]).toEqual([{ componentType: "component", observedValue: 60_000, observedUnit: "ms", status: "pass", time: expect.any(String) as string }]);
    const polled = await startSyncing(db, { intervalMs: 45_000, push: false }).reportWhen("polling");
    expect(polled.checks["sync:trigger"]?.[0]).toMatchObject({ status: "pass", observedValue: 45_000 });
  });

  it("warns, saying why, when notifications never arrive (behind a proxy that drops them, as a transaction-mode pooler does)", async () => {
    const url = await createTestDatabase();
    await migratedDb(url);
    const proxy = await startNotificationDroppingProxy(url);
    cleanUp(() => proxy.close());
    const report = await startSyncing(await migratedDb(proxy.url), { intervalMs: 60_000, probeTimeoutMs: 300 }).reportWhen("polling");
    expect(report.status).toBe("warn");
    expect(report.checks["sync:trigger"]?.[0]).toMatchObject({
      status: "warn",
      output: expect.stringMatching(/^Changes reach the mirror on the 1 min timer only, not as PostgreSQL notifies them: a test notification .* did not arrive within 300 ms/) as string,
    });
    expect(report.output).toContain("1 min timer only");
  });
});

describe("a dependency that hangs", () => {
  it("times out within its own check and the report still returns", async () => {
    const db = await migratedDb();
    const store = isolatedStore();
    const sync = createSyncManager({ db, store });
    await sync.syncSources();
    let pinged = 0;
    const hanging = {
      ping: () => {
        pinged += 1;
        return new Promise<never>(() => {});
      },
    };
    const health = createHealthCheck({ postgres: hanging, chroma: store, mirror: sync, timeouts: { postgres: 300 } });

    const report = await health.report();
    expect(pinged).toBe(1);
    expect(report.status).toBe("warn");
    expect(report.checks["postgres:responseTime"][0]).toMatchObject({ status: "fail", output: "PostgreSQL did not answer within 300 ms." });
    expect(report.checks["chroma:responseTime"][0]!.status).toBe("pass");
    expect(report.output).toContain("reads are answered from the mirror");

    const url = await serve(createHealthHandler(health));
    const response = await fetch(`${url}/readyz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: "warn", checks: { "postgres:responseTime": [{ status: "fail" }] } });
  });
});

/** A PostgreSQL server of the test's own (destroyed when the test ends) and its password. */
async function privatePostgres() {
  const server = await startPrivatePostgres();
  cleanUp(() => server.destroy());
  const password = decodeURIComponent(new URL(server.url).password);
  expect(password.length).toBeGreaterThan(3);
  return { server, password };
}

describe("PostgreSQL killed", () => {
  it("with a synced mirror: warn, and /readyz still 200", async () => {
    const { server, password } = await privatePostgres();
    const db = await migratedDb(server.url);
    const store = isolatedStore();
    await seedSources(db, 5);
    const sync = createSyncManager({ db, store });
    await sync.syncSources();
    const health = createHealthCheck({ postgres: db, chroma: store, mirror: sync, redact: db.redact });
    expect((await health.report()).status).toBe("pass");

    await server.kill();
    const report = await health.report();
    expect(report.status).toBe("warn");
    expect(statuses(report)).toEqual({ "postgres:responseTime": "fail", "chroma:responseTime": "pass", "mirror:freshness": "pass" });
    expect(report.checks["postgres:responseTime"][0]!.output).toMatch(/\S/);
    expect(report.output).toMatch(/^PostgreSQL is unavailable: reads are answered from the mirror as of /);
    expect(JSON.stringify(report)).not.toContain(password);

    const url = await serve(createHealthHandler(health));
    const response = await fetch(`${url}/readyz`);
    expect(response.status).toBe(200);
    const body = await response.text();
    expect(JSON.parse(body)).toMatchObject({ status: "warn" });
    expect(body).not.toContain(password);
  });

  it("with no mirror: fail, and /readyz 503", async () => {
    const { server, password } = await privatePostgres();
    const db = await migratedDb(server.url);
    const store = isolatedStore();
    const health = createHealthCheck({ postgres: db, chroma: store, mirror: createSyncManager({ db, store }), redact: db.redact });

    await server.kill();
    const report = await health.report();
    expect(report.status).toBe("fail");
    expect(statuses(report)).toEqual({ "postgres:responseTime": "fail", "chroma:responseTime": "pass", "mirror:freshness": "fail" });
    expect(report.output).toContain("there is no mirror to answer from");
    expect(JSON.stringify(report)).not.toContain(password);
    expect(healthExitCode(report)).toBe(2);

    const url = await serve(createHealthHandler(health));
    const response = await fetch(`${url}/readyz`);
    expect(response.status).toBe(503);
    expect(response.headers.get("content-type")).toBe("application/health+json");
    expect(await response.json()).toMatchObject({ status: "fail", checks: { "mirror:freshness": [{ status: "fail" }] } });
    const liveness = await fetch(`${url}/healthz`);
    expect(liveness.status).toBe(200);
  });
});

describe("Chroma killed", () => {
  it("warns: reads work from PostgreSQL, the mirror is not updating", async () => {
    const chroma = await startPrivateChroma();
    try {
      const db = await migratedDb();
      const store = isolatedStore(chroma.url);
      await seedSources(db, 5);
      const sync = createSyncManager({ db, store });
      await sync.syncSources();
      // A manager that has not synced itself must ask Chroma when the mirror last synced.
      const freshManager = createSyncManager({ db, store });
      const health = createHealthCheck({ postgres: db, chroma: store, mirror: sync });
      const asksChroma = createHealthCheck({ postgres: db, chroma: store, mirror: freshManager });
      expect((await asksChroma.report()).status).toBe("pass");

      await chroma.kill();
      const report = await health.report();
      expect(report.status).toBe("warn");
      expect(report.checks["postgres:responseTime"][0]!.status).toBe("pass");
      expect(report.checks["chroma:responseTime"][0]).toMatchObject({ status: "fail", output: expect.stringMatching(/\S/) });
      expect(report.output).toBe("Chroma is unavailable: reads work from PostgreSQL, but the mirror is not being updated.");

      const unreadable = await createHealthCheck({ postgres: db, chroma: store, mirror: createSyncManager({ db, store }) }).report();
      expect(unreadable.status).toBe("warn");
      expect(statuses(unreadable)).toEqual({ "postgres:responseTime": "pass", "chroma:responseTime": "fail", "mirror:freshness": "fail" });
      expect(healthExitCode(unreadable)).toBe(1);
    } finally {
      await chroma.destroy();
    }
  });
});
