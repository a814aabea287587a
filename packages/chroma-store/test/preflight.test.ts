import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { createChromaConnection } from "../src/connection.js";
import { resolveChromaStoreOptions } from "../src/options.js";

/** A server that answers the pre-flight checks with `checks` (and counts how often it was asked). */
async function preflightServer(checks: Record<string, unknown>) {
  const asked: string[] = [];
  const server = createServer((request, response) => {
    asked.push(request.url ?? "");
    if (request.url === "/api/v2/pre-flight-checks") response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(checks));
    else response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const close = async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, asked, close };
}

describe("the server's limits", () => {
  let close: (() => Promise<void>) | undefined;
  afterEach(async () => close?.());

  it.each([
    ["reported", { max_batch_size: 5_461, supports_base64_encoding: true }, {}, 5_461, true],
    ["capped by the configured limit", { max_batch_size: 5_461 }, { maxBatchSize: 300 }, 300, false],
    ["not reported: the configured limit", {}, { maxBatchSize: 300 }, 300, false],
    ["not reported, none configured: no limit", {}, {}, Infinity, false],
  ])("%s", async (_name, checks, limits, batch, base64) => {
    const server = await preflightServer(checks);
    close = server.close;
    const connection = createChromaConnection(resolveChromaStoreOptions({ url: server.url, ...limits }));
    expect(await connection.maxBatchSize()).toBe(batch);
    expect(await connection.supportsBase64()).toBe(base64);
    // Asked once and kept.
    expect(server.asked).toEqual(["/api/v2/pre-flight-checks"]);
    connection.reset();
  });
});
