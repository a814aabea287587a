import { randomUUID } from "node:crypto";
/**
 * vitest globalSetup: one real PostgreSQL server for a package's whole test run.
 * Tests get an isolated database each from createTestDatabase() (./postgres.ts).
 */
import { mkdtemp, chmod } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { startLocalPostgres } from "@kmcp/db/local-postgres";
import type { TestProject } from "vitest/node";

export default async function setup(project: TestProject) {
  const base = await mkdtemp(path.join(tmpdir(), "kmcp-test-pg-"));
  // When tests run as root the server runs as `postgres`, which must reach the data dir.
  await chmod(base, 0o755);
  const server = await startLocalPostgres({ dataDir: path.join(base, "data"), password: `pw-${randomUUID()}` });
  project.provide("postgresUrl", server.url);
  return async () => {
    await server.destroy();
  };
}
