/**
 * vitest globalSetup: one real PostgreSQL server for a package's whole test run.
 * Tests get an isolated database each from createTestDatabase() (./postgres.ts).
 */
import { randomUUID } from "node:crypto";
import path from "node:path";
import { makeServerTempDir, startLocalPostgres } from "@kmcp/local-servers";
import type { TestProject } from "vitest/node";

export default async function setup(project: TestProject) {
  const base = await makeServerTempDir("kmcp-test-pg-");
  // Test data is disposable: skip fsync for speed.
  const server = await startLocalPostgres({ dataDir: path.join(base, "data"), password: `pw-${randomUUID()}`, durability: "throwaway" });
  project.provide("postgresUrl", server.url);
  return async () => {
    await server.destroy();
  };
}
