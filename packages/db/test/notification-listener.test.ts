import { startNotificationDroppingProxy } from "@kmcp/testing/pg-proxy";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb, SOURCES_CHANGED_CHANNEL, type Db, type ListenerState } from "../src/index.js";
import { migratedDatabase, sourceInput } from "./helpers.js";

describe("db.listen(): notifications on a dedicated connection", () => {
  let db: Db;
  let url: string;
  const closers: (() => Promise<unknown>)[] = [];
  beforeAll(async () => {
    ({ db, url } = await migratedDatabase());
  });
  afterAll(async () => {
    for (const close of closers.reverse()) await close();
  });

  function listen(on: Db, applicationName: string) {
    const received: string[] = [];
    const states: ListenerState[] = [];
    const listener = on.listen({
      channels: [SOURCES_CHANGED_CHANNEL],
      onNotification: (channel) => received.push(channel),
      onStateChange: (state) => states.push(state),
      applicationName,
      retry: { baseMs: 100, maxMs: 500 },
    });
    closers.push(() => listener.close());
    return { listener, received, states };
  }

  it("hears a source write committed by another connection, and proves delivery with a probe", async () => {
    const { listener, received } = listen(db, "kmcp-test-listener");
    await expect.poll(() => listener.state.status).toBe("listening");
    expect(await listener.probe(2_000)).toBe(true);
    const writer = createDb({ url });
    closers.push(() => writer.close());
    await writer.sources.create(sourceInput());
    await expect.poll(() => received).toEqual([SOURCES_CHANGED_CHANNEL]);
  });

  it("reconnects after its connection is killed, and hears writes again", async () => {
    const { listener, received, states } = listen(db, "kmcp-test-reconnect");
    await expect.poll(() => listener.state.status).toBe("listening");
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    closers.push(() => admin.end());
    const { rowCount } = await admin.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'kmcp-test-reconnect'");
    expect(rowCount).toBe(1);
    await expect.poll(() => states.some((s) => s.status === "down")).toBe(true);
    await expect.poll(() => listener.state).toMatchObject({ status: "listening", connections: 2, error: null });
    await db.sources.create(sourceInput());
    await expect.poll(() => received.length).toBeGreaterThanOrEqual(1);
    expect(await listener.probe(2_000)).toBe(true);
  });

  it("behind a proxy that drops notifications (as a transaction-mode pooler does), LISTEN succeeds but the probe fails", async () => {
    const proxy = await startNotificationDroppingProxy(url);
    closers.push(() => proxy.close());
    const behind = createDb({ url: proxy.url });
    closers.push(() => behind.close());
    const { listener, received } = listen(behind, "kmcp-test-pooled");
    await expect.poll(() => listener.state.status).toBe("listening");
    expect(await listener.probe(500)).toBe(false);
    await db.sources.create(sourceInput());
    await expect.poll(() => proxy.dropped()).toBeGreaterThanOrEqual(2);
    expect(received).toEqual([]);
  });

  it("reports a server it cannot reach as down, without the password, and stops on close", async () => {
    const unreachable = createDb({ url: "postgresql://kmcp:s3cret-pw@127.0.0.1:1/kmcp", connectTimeoutMs: 500 });
    closers.push(() => unreachable.close());
    const { listener } = listen(unreachable, "kmcp-test-down");
    await expect.poll(() => listener.state.status).toBe("down");
    expect(listener.state.error).toMatch(/unreachable/i);
    expect(listener.state.error).not.toContain("s3cret-pw");
    expect(await listener.probe(100)).toBe(false);
    await listener.close();
    expect(listener.state.status).toBe("closed");
  });
});
