// @ts-check
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

/**
 * vitest globalSetup: a test run's temporary files (CLI homes, server data directories, packed
 * installs) go under one directory of the run's own, removed when the run ends; before, every
 * run left hundreds of megabytes in the OS temp dir. Tests make their directories with
 * `os.tmpdir()`, which reads TMPDIR, and the workers and the processes they spawn inherit it.
 */
export default function setup() {
  const root = mkdtempSync(path.join(tmpdir(), "kmcp-run-"));
  // Run as root, PostgreSQL runs as `postgres`, which must be able to enter its data directory's parents.
  if (process.getuid?.() === 0) chmodSync(root, 0o755);
  const previous = process.env.TMPDIR;
  process.env.TMPDIR = root;
  return () => {
    if (previous === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previous;
    rmSync(root, { recursive: true, force: true });
  };
}
