import { randomUUID } from "node:crypto";
import path from "node:path";
import { makeServerTempDir, startLocalPostgres, type LocalPostgres } from "@kmcp/local-servers";
import pg from "pg";
import { inject } from "vitest";

declare module "vitest" {
  export interface ProvidedContext {
    /** URL of the shared test server's admin database, from postgres-setup. */
    postgresUrl: string;
  }
}

/** A fresh, empty database on the shared test server; returns its URL. */
export async function createTestDatabase(): Promise<string> {
  const serverUrl = inject("postgresUrl");
  const name = `t_${randomUUID().replaceAll("-", "")}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** A PostgreSQL server of the test's own, for tests that stop, kill or restart it. */
export async function startPrivatePostgres(): Promise<LocalPostgres> {
  const base = await makeServerTempDir("kmcp-test-pg-");
  return startLocalPostgres({ dataDir: path.join(base, "data"), password: `pw-${randomUUID()}`, durability: "throwaway" });
}
