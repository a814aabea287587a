import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { createChromaStore, type ChromaStore } from "@kmcp/chroma-store";
import { createDb, type Db } from "@kmcp/db";
import { sharedChromaUrl, uniqueCollectionPrefix } from "@kmcp/testing/chroma";
import { createTestDatabase } from "@kmcp/testing/postgres";
import { afterAll } from "vitest";

export async function migratedDb(url?: string): Promise<Db> {
  const db = createDb({ url: url ?? (await createTestDatabase()), connectTimeoutMs: 1_000, pingTimeoutMs: 1_000 });
  await db.migrate();
  afterAll(() => db.close());
  return db;
}

export function isolatedStore(url = sharedChromaUrl()): ChromaStore {
  const store = createChromaStore({ url, collectionPrefix: uniqueCollectionPrefix(), requestTimeoutMs: 2_000 });
  afterAll(() => store.close());
  return store;
}

export async function seedSources(db: Db, count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    await db.sources.create({ url: `https://health-${i}.example.test/`, title: `Health ${i}`, sourceType: "blog", authorityTier: "tier_2_trusted" });
  }
}

/**
 * A real HTTP server on a free port: `handler` first, then a 404 of its own, so tests see
 * whether a request fell through. Closed after the file's tests.
 */
export async function serve(handler: (req: IncomingMessage, res: ServerResponse) => Promise<boolean>): Promise<string> {
  const server = createServer(async (req, res) => {
    if (await handler(req, res)) return;
    res.writeHead(404, { "content-type": "text/plain" }).end("not a health route");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}
