import { randomBytes } from "node:crypto";
import { access, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import { isPortFree } from "./free-port.js";
import { withHomeLock } from "./home-lock.js";
import { chromaAnswers, startLocalChroma } from "./local-chroma.js";
import { startLocalPostgres } from "./local-postgres.js";
import { canConnect } from "./postgres-client.js";
import { isProcessAlive, stopProcess } from "./process.js";
import { makeServerDir } from "./server-dir.js";

const ServicesFileSchema = z.object({
  postgres: z.object({ pid: z.number().int(), port: z.number().int(), password: z.string() }).optional(),
  chroma: z.object({ pid: z.number().int(), port: z.number().int() }).optional(),
});
type ServicesFile = z.infer<typeof ServicesFileSchema>;

export interface EmbeddedServiceStatus {
  running: boolean;
  pid: number | null;
  port: number | null;
  url: string | null;
}

export interface EmbeddedServices {
  postgres: EmbeddedServiceStatus;
  chroma: EmbeddedServiceStatus;
}

const servicesPath = (home: string) => path.join(home, "services.json");
const postgresUrl = (port: number, password: string) => `postgresql://kmcp:${encodeURIComponent(password)}@127.0.0.1:${port}/kmcp`;

async function readServices(home: string): Promise<ServicesFile> {
  try {
    return ServicesFileSchema.parse(JSON.parse(await readFile(servicesPath(home), "utf8")));
  } catch {
    return {};
  }
}

async function writeServices(home: string, services: ServicesFile): Promise<void> {
  // Holds the embedded database's password: readable by this user only.
  await writeFile(servicesPath(home), JSON.stringify(services, null, 2), { mode: 0o600 });
}

function describe(services: ServicesFile, up: { postgres: boolean; chroma: boolean }): EmbeddedServices {
  const pgEntry = services.postgres;
  const chromaEntry = services.chroma;
  return {
    postgres: {
      running: up.postgres,
      pid: up.postgres ? (pgEntry?.pid ?? null) : null,
      port: pgEntry?.port ?? null,
      url: pgEntry ? postgresUrl(pgEntry.port, pgEntry.password) : null,
    },
    chroma: {
      running: up.chroma,
      pid: up.chroma ? (chromaEntry?.pid ?? null) : null,
      port: chromaEntry?.port ?? null,
      url: chromaEntry ? `http://127.0.0.1:${chromaEntry.port}` : null,
    },
  };
}

/** Which embedded servers run now (it starts nothing). URLs include the password: do not print them. */
export async function embeddedServicesStatus(home: string): Promise<EmbeddedServices> {
  const services = await readServices(home);
  const pgUp = isProcessAlive(services.postgres?.pid) && (await canConnect(postgresUrl(services.postgres!.port, services.postgres!.password)));
  const chromaUp = isProcessAlive(services.chroma?.pid) && (await chromaAnswers(`http://127.0.0.1:${services.chroma!.port}`));
  return describe(services, { postgres: pgUp, chroma: chromaUp });
}

/**
 * Makes sure the embedded PostgreSQL and/or Chroma run under `home`, reusing servers that already
 * run (started by any kmcp process) and starting the others detached, so they outlive this
 * process until `stopEmbeddedServices`. Data lives in `home/postgres` and `home/chroma`;
 * PostgreSQL runs durable (fsync on): this is the user's data.
 *
 * @throws {LocalServerError} `LOCKED` when another kmcp process holds `home/.lock` too long;
 *   `START_FAILED` when a server cannot start.
 */
export async function ensureEmbeddedServices(
  home: string,
  which: { postgres: boolean; chroma: boolean } = { postgres: true, chroma: true },
): Promise<EmbeddedServices & { started: string[] }> {
  // As root, PostgreSQL runs as `postgres`, which must be able to enter `home`.
  await makeServerDir(home);
  return withHomeLock(home, async () => {
    const services = await readServices(home);
    const current = await embeddedServicesStatus(home);
    const started: string[] = [];
    if (which.postgres && !current.postgres.running) {
      const password = services.postgres?.password ?? randomBytes(18).toString("base64url");
      const server = await startLocalPostgres({
        dataDir: path.join(home, "postgres"),
        port: await reusablePort(services.postgres?.port),
        user: "kmcp",
        password,
        database: "kmcp",
        detached: true,
        durability: "durable",
      });
      services.postgres = { pid: server.pid!, port: server.port, password };
      started.push("postgres");
    }
    if (which.chroma && !current.chroma.running) {
      const server = await startLocalChroma({
        dataDir: path.join(home, "chroma"),
        port: await reusablePort(services.chroma?.port),
        detached: true,
      });
      services.chroma = { pid: server.pid!, port: server.port };
      started.push("chroma");
    }
    await writeServices(home, services);
    return {
      ...describe(services, {
        postgres: which.postgres || current.postgres.running,
        chroma: which.chroma || current.chroma.running,
      }),
      started,
    };
  });
}

/** Stops the embedded servers (fast shutdown; data kept). Returns which ones were running. */
export async function stopEmbeddedServices(home: string): Promise<string[]> {
  // No home, nothing ever ran there (the lock could not even be taken: `kmcp down` failed with ENOENT).
  if (!(await access(home).then(() => true, () => false))) return [];
  return withHomeLock(home, async () => {
    const services = await readServices(home);
    const stopped: string[] = [];
    for (const [name, entry, signal] of [
      ["postgres", services.postgres, "SIGINT"],
      ["chroma", services.chroma, "SIGTERM"],
    ] as const) {
      if (!isProcessAlive(entry?.pid)) continue;
      await stopProcess(entry.pid, signal);
      stopped.push(name);
    }
    return stopped;
  });
}

/** The port a server used last time, if it is still free (so URLs stay stable); else a new one. */
async function reusablePort(previous: number | undefined): Promise<number | undefined> {
  return previous !== undefined && (await isPortFree(previous)) ? previous : undefined;
}
