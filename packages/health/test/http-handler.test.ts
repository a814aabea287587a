import { createSyncManager } from "@kmcp/sync-core";
import { beforeAll, describe, expect, it } from "vitest";
import { createHealthCheck, createHealthHandler, type HealthReport } from "../src/index.js";
import { isolatedStore, migratedDb, serve } from "./helpers.js";

describe("the /healthz and /readyz handler on a real http server", () => {
  let url: string;
  let pings = 0;

  beforeAll(async () => {
    const db = await migratedDb();
    const store = isolatedStore();
    const sync = createSyncManager({ db, store });
    await sync.syncSources();
    const postgres = {
      ping: (options?: { timeoutMs?: number }) => {
        pings += 1;
        return db.ping(options);
      },
    };
    url = await serve(createHealthHandler(createHealthCheck({ postgres, chroma: store, mirror: sync, serviceId: "kmcp-test" })));
  });

  it("answers /healthz with 200 without touching any dependency", async () => {
    const before = pings;
    const response = await fetch(`${url}/healthz`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/health+json");
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(await response.json()).toEqual({ status: "pass" });
    expect(pings).toBe(before);
  });

  it("answers /readyz with 200 and the report", async () => {
    const before = pings;
    const response = await fetch(`${url}/readyz?verbose=1`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/health+json");
    const report = (await response.json()) as HealthReport;
    expect(report).toMatchObject({ status: "pass", serviceId: "kmcp-test" });
    expect(Object.keys(report.checks)).toEqual(["postgres:responseTime", "chroma:responseTime", "mirror:freshness"]);
    expect(pings).toBe(before + 1);
  });

  it("supports HEAD: same status and headers, no body", async () => {
    for (const path of ["/healthz", "/readyz"]) {
      const response = await fetch(`${url}${path}`, { method: "HEAD" });
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toBe("application/health+json");
      expect(Number(response.headers.get("content-length"))).toBeGreaterThan(0);
      expect(await response.text()).toBe("");
    }
  });

  it.each([
    ["POST", "/readyz"],
    ["PUT", "/healthz"],
    ["DELETE", "/readyz"],
  ])("answers %s %s with 405 and Allow", async (method, path) => {
    const response = await fetch(`${url}${path}`, { method });
    expect(response.status).toBe(405);
    expect(response.headers.get("allow")).toBe("GET, HEAD");
    expect(await response.json()).toMatchObject({ status: "fail", output: expect.stringContaining(`Method ${method} not allowed`) });
  });

  it.each(["/", "/mcp", "/readyz/extra", "/healthzz", "/HEALTHZ"])("leaves %s to the next router", async (path) => {
    const response = await fetch(`${url}${path}`);
    expect(response.status).toBe(404);
    expect(await response.text()).toBe("not a health route");
  });
});

describe("createHealthHandler options", () => {
  it("serves custom paths", async () => {
    const report = async (): Promise<HealthReport> => ({ status: "warn", output: "degraded", checks: {} as HealthReport["checks"] });
    const url = await serve(createHealthHandler({ report, livenessPath: "/live", readinessPath: "/ready" }));
    expect((await fetch(`${url}/live`)).status).toBe(200);
    const ready = await fetch(`${url}/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: "warn", output: "degraded" });
    expect((await fetch(`${url}/readyz`)).status).toBe(404);
  });

  it("answers 503 when the report itself fails, without leaking credentials", async () => {
    const report = () => Promise.reject(new Error("cannot open postgresql://kmcp:topsecret@db/kmcp"));
    const url = await serve(createHealthHandler({ report }));
    const response = await fetch(`${url}/readyz`);
    expect(response.status).toBe(503);
    const body = await response.text();
    expect(body).not.toContain("topsecret");
    expect(JSON.parse(body)).toEqual({ status: "fail", output: "The health report could not be produced: cannot open postgresql://***@db/kmcp" });
  });

  it.each([
    [{ report: "nope" }, /report: must be a function/],
    [{ report: async () => ({}), livenessPath: "healthz" }, /livenessPath/],
  ])("rejects bad options: %j", (bad, message) => {
    expect(() => createHealthHandler(bad as never)).toThrow(expect.objectContaining({ code: "VALIDATION", message: expect.stringMatching(message) }));
  });
});
