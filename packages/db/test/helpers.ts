import { createTestDatabase } from "@kmcp/testing/postgres";
import { cleanUp } from "@kmcp/testing/clean-up";
import type { SourceCreateInput } from "@kmcp/core";
import { createDb, type Db } from "../src/index.js";

/** A migrated database of the test file's own, closed when the calling test (or file) ends. */
export async function migratedDatabase(): Promise<{ db: Db; url: string }> {
  const url = await createTestDatabase();
  const db = createDb({ url });
  await db.migrate();
  cleanUp(() => db.close());
  return { db, url };
}

export async function migratedDb(): Promise<Db> {
  return (await migratedDatabase()).db;
}

let n = 0;
export function sourceInput(overrides: Partial<SourceCreateInput> = {}): SourceCreateInput {
  n += 1;
  return {
    url: `https://example-${n}.test/docs`,
    title: `Example ${n}`,
    sourceType: "documentation",
    authorityTier: "tier_2_trusted",
    ...overrides,
  };
}

/** Runs fn, returns what it threw (fails the test if it did not throw). */
export async function caught(fn: () => Promise<unknown>): Promise<Error & { code?: string; data?: Record<string, unknown> }> {
  try {
    await fn();
  } catch (error) {
    return error as Error & { code?: string };
  }
  throw new Error("expected the call to throw");
}

export async function tableCounts(db: Db) {
  const [sources, requests, tombstones] = await Promise.all([
    db.prisma.source.count(),
    db.prisma.acquisitionRequest.count(),
    db.prisma.sourceTombstone.count(),
  ]);
  return { sources, requests, tombstones };
}
