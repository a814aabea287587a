import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Db } from "@kmcp/db";
import { isolatedStore as sharedIsolatedStore } from "@kmcp/testing-kmcp";
import { cleanUp } from "@kmcp/testing/clean-up";

export { migratedDb } from "@kmcp/testing-kmcp";

/** Chroma answers quickly or not at all in these tests: a short timeout keeps failures fast. */
export const isolatedStore = (url?: string) => sharedIsolatedStore(url, { requestTimeoutMs: 2_000 });

export async function seedSources(db: Db, count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    await db.sources.create({ url: `https://health-${i}.example.test/`, title: `Health ${i}`, sourceType: "blog", authorityTier: "tier_2_trusted" });
  }
}

/**
 * A real HTTP server on a free port: `handler` first, then a 404 of its own, so tests see
 * whether a request fell through. Closed when the calling test (or file) ends.
 */
export async function serve(handler: (req: IncomingMessage, res: ServerResponse) => Promise<boolean>): Promise<string> {
  // eslint-disable-next-line @typescript-eslint/no-misused-promises -- a throwing handler surfaces as vitest's unhandled error
  const server = createServer(async (req, res) => {
    if (await handler(req, res)) return;
    res.writeHead(404, { "content-type": "text/plain" }).end("not a health route");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  cleanUp(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}
