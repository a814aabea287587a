import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { isProcessAlive } from "@kmcp/db/local-postgres";

/**
 * Runs fn while holding `home/.lock` (a directory: mkdir is atomic), so two kmcp processes
 * starting at once do not both start servers. A lock left by a dead process is taken over.
 */
export async function withHomeLock<T>(home: string, fn: () => Promise<T>, timeoutMs = 60_000): Promise<T> {
  const lock = path.join(home, ".lock");
  const owner = path.join(lock, "pid");
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await mkdir(lock);
      await writeFile(owner, String(process.pid));
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const pid = Number(await readFile(owner, "utf8").catch(() => "0"));
      if (pid > 0 && !isProcessAlive(pid)) {
        await rm(lock, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > deadline) throw new Error(`Another kmcp process holds ${lock}; if none runs, remove that directory.`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  try {
    return await fn();
  } finally {
    await rm(lock, { recursive: true, force: true });
  }
}
