import { randomUUID } from "node:crypto";
import { setTimeout as delay } from "node:timers/promises";
import type { LocalPostgres } from "@kmcp/local-servers";
import { cleanUp } from "@kmcp/testing/clean-up";
import { startStatementCuttingProxy } from "@kmcp/testing/pg-proxy";
import { startPrivatePostgres } from "@kmcp/testing/postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb, type Db } from "../src/index.js";
import { caught, migratedDatabase, sourceInput } from "./helpers.js";

describe("a database that goes away and comes back", () => {
  let server: LocalPostgres;
  let db: Db;
  let password: string;
  beforeAll(async () => {
    server = await startPrivatePostgres();
    password = decodeURIComponent(new URL(server.url).password);
    db = createDb({ url: server.url, connectTimeoutMs: 1_000, pingTimeoutMs: 1_500 });
    await db.migrate();
  });
  afterAll(async () => {
    await db.close();
    await server.destroy();
  });

  it("pings while up, reports `unreachable` after a crash, and recovers on restart without help", async () => {
    expect(await db.ping()).toMatchObject({ ok: true });
    const source = await db.sources.create(sourceInput());

    await server.kill();
    const down = await db.ping();
    expect(down).toMatchObject({ ok: false, reason: "unreachable" });
    expect(down.latencyMs).toBeLessThan(1_500);
    const failed = await caught(() => db.sources.get(source.id));
    expect(failed.code).toBe("UNREACHABLE");

    await server.start();
    expect(await db.ping()).toMatchObject({ ok: true });
    expect((await db.sources.get(source.id))?.id).toBe(source.id);
  });

  it("reports a stopped server the same way", async () => {
    await server.stop();
    expect(await db.ping()).toMatchObject({ ok: false, reason: "unreachable" });
    expect((await caught(() => db.sources.list())).code).toBe("UNREACHABLE");
    await server.start();
    expect(await db.ping()).toMatchObject({ ok: true });
  });

  it("tells wrong credentials apart from an outage, and never shows the password", async () => {
    const secret = "s3cret-Pa55word";
    const wrong = new URL(server.url);
    wrong.password = secret;
    const bad = createDb({ url: wrong.toString() });
    const result = await bad.ping();
    expect(result).toMatchObject({ ok: false, reason: "error" });
    const error = await caught(() => bad.sources.list());
    for (const text of [JSON.stringify(result), error.message, String(error.stack), String((error.cause as Error)?.message)]) {
      expect(text).not.toContain(secret);
    }
    expect(error.message).toContain("credentials");
    await bad.close();
  });

  it("never shows the real password when the server is down either", async () => {
    await server.kill();
    try {
      const error = await caught(() => db.sources.list());
      expect(error.message).not.toContain(password);
      expect(String(error.stack)).not.toContain(password);
      expect(db.redact(`failed at ${server.url}`)).not.toContain(password);
    } finally {
      await server.start();
    }
  });

  it("rejects bad options without echoing the password", async () => {
    const error = await caught(async () => createDb({ url: "mysql://root:topsecret@h/db" }));
    expect(error.code).toBe("VALIDATION");
    expect(error.message).toContain("postgresql://");
    expect(error.message).not.toContain("topsecret");
  });
});

describe("a connection lost in the middle of a transaction", () => {
  it("is discarded, not leaked: after more such losses than the pool has connections, it still serves, and close() returns", async () => {
    const { url } = await migratedDatabase();
    const proxy = await startStatementCuttingProxy(url);
    cleanUp(() => proxy.close());
    const db = createDb({ url: proxy.url, poolSize: 2, connectTimeoutMs: 1_000 });
    // Prisma runs its COMMIT and ROLLBACK as statements of their own: the connection dies at each.
    proxy.cutAt("COMMIT");
    for (let i = 0; i < 3; i++) await expect(db.prisma.$transaction((tx) => tx.source.count())).rejects.toThrow();
    // A repository write runs in Prisma's internal transaction; its loss is an outage.
    expect((await caught(() => db.requests.create({ id: randomUUID(), url: "https://lost.example.test/", reason: "lost at COMMIT", priority: 1 }))).code).toBe("UNREACHABLE");
    proxy.cutAt("ROLLBACK");
    for (let i = 0; i < 3; i++) {
      await expect(
        db.prisma.$transaction(async (tx) => {
          await tx.source.count();
          throw new Error("changed my mind");
        }),
      ).rejects.toThrow();
    }
    expect(proxy.cuts()).toBe(7);

    proxy.cutAt(null);
    expect(await db.prisma.source.count()).toBe(0);
    expect((await db.requests.list()).items).toEqual([]);
    const closed = await Promise.race([db.close().then(() => "closed"), delay(10_000).then(() => "still waiting for a connection")]);
    expect(closed).toBe("closed");
  });
});
