import { rm } from "node:fs/promises";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { embeddedServicesStatus, ensureEmbeddedServices, makeServerTempDir, startLocalPostgres, stopEmbeddedServices } from "../src/index.js";

async function showFsync(url: string): Promise<string> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ fsync: string }>("SHOW fsync");
    return rows[0]!.fsync;
  } finally {
    await client.end();
  }
}

describe("the embedded services under KMCP_HOME", () => {
  let home: string;
  beforeAll(async () => {
    home = path.join(await makeServerTempDir("kmcp-home-"), "home");
  });
  afterAll(async () => {
    await stopEmbeddedServices(home).catch(() => {});
    await rm(path.dirname(home), { recursive: true, force: true });
  });

  it("starts PostgreSQL and Chroma once, and every later call reuses them", async () => {
    const first = await ensureEmbeddedServices(home);
    expect(first.started.sort()).toEqual(["chroma", "postgres"]);
    const [second, third] = await Promise.all([ensureEmbeddedServices(home), ensureEmbeddedServices(home)]);
    expect(second.started).toEqual([]);
    expect(third.started).toEqual([]);
    expect(second.postgres.pid).toBe(first.postgres.pid);
    expect(second.chroma.pid).toBe(first.chroma.pid);
    expect(await embeddedServicesStatus(home)).toMatchObject({ postgres: { running: true }, chroma: { running: true } });
  });

  it("runs the user's PostgreSQL durable: fsync on", async () => {
    const { postgres } = await ensureEmbeddedServices(home);
    expect(await showFsync(postgres.url!)).toBe("on");
  });

  it("stops both, and a second stop finds nothing running", async () => {
    expect((await stopEmbeddedServices(home)).sort()).toEqual(["chroma", "postgres"]);
    expect(await embeddedServicesStatus(home)).toMatchObject({ postgres: { running: false }, chroma: { running: false } });
    expect(await stopEmbeddedServices(home)).toEqual([]);
  });
});

describe("startLocalPostgres durability", () => {
  it("runs a throwaway server with fsync off, and only when asked", async () => {
    const base = await makeServerTempDir("kmcp-throwaway-pg-");
    const server = await startLocalPostgres({ dataDir: path.join(base, "data"), durability: "throwaway" });
    try {
      expect(await showFsync(server.url)).toBe("off");
    } finally {
      await server.destroy();
      await rm(base, { recursive: true, force: true });
    }
  });
});
