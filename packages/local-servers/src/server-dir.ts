import { chmod, mkdir, mkdtemp } from "node:fs/promises";
import { tmpdir, userInfo } from "node:os";
import path from "node:path";

/**
 * Run as root, PostgreSQL runs as the `postgres` user (it refuses root), which must be able to
 * enter the data directory's parent: make `dir` traversable by others. A no-op otherwise, so
 * the directory stays private to its owner.
 */
export async function allowServerUser(dir: string): Promise<void> {
  if (userInfo().uid === 0) await chmod(dir, 0o755);
}

/** Creates `dir` (and its parents) private to this user, then lets the server user in (allowServerUser). */
export async function makeServerDir(dir: string): Promise<string> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await allowServerUser(dir);
  return dir;
}

/**
 * A fresh directory under the OS temp dir, usable as the parent of a server's data directory
 * (`path.join(dir, "data")`) whether or not we run as root. The caller removes it.
 *
 * @example
 *   const base = await makeServerTempDir("kmcp-test-pg-");
 *   const pg = await startLocalPostgres({ dataDir: path.join(base, "data"), durability: "throwaway" });
 */
export async function makeServerTempDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), prefix));
  await allowServerUser(dir);
  return dir;
}
