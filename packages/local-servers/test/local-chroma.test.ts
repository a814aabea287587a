import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterEach, describe, expect, it } from "vitest";
import { findFreePort, LocalServerError, startLocalChroma } from "../src/index.js";

const run = promisify(execFile);
const localChromaSource = fileURLToPath(new URL("../src/local-chroma.ts", import.meta.url));

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function heartbeatOk(url: string): Promise<boolean> {
  try {
    return (await fetch(`${url}/api/v2/heartbeat`, { signal: AbortSignal.timeout(1000) })).ok;
  } catch {
    return false;
  }
}

async function until(check: () => boolean | Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return false;
}

/** Start a server from a separate Node process that then exits, as `kmcp up` would. */
async function startFromShortLivedProcess(dataDir: string, detached: boolean): Promise<{ pid: number; url: string }> {
  const script = `import(${JSON.stringify(localChromaSource)})
    .then((m) => m.startLocalChroma({ dataDir: ${JSON.stringify(dataDir)}, detached: ${detached} }))
    .then((c) => { console.log(JSON.stringify({ pid: c.pid, url: c.url })); process.exit(0); });`;
  const { stdout } = await run(process.execPath, ["--import", "tsx", "-e", script], { cwd: path.dirname(localChromaSource) });
  return JSON.parse(stdout.trim().split("\n").pop() ?? "") as { pid: number; url: string };
}

describe("startLocalChroma", () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });

  async function tempDir(): Promise<string> {
    const dir = await mkdtemp(path.join(tmpdir(), "kmcp-local-chroma-"));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    return dir;
  }

  it("serves on a free port it picks, on 127.0.0.1, with its data in dataDir", async () => {
    const dataDir = await tempDir();
    const chroma = await startLocalChroma({ dataDir });
    cleanups.unshift(() => chroma.stop());
    expect(chroma.url).toBe(`http://127.0.0.1:${chroma.port}`);
    expect(await heartbeatOk(chroma.url)).toBe(true);
    expect(existsSync(path.join(dataDir, "chroma.sqlite3"))).toBe(true);
    const pid = chroma.pid!;
    expect(isAlive(pid)).toBe(true);
    await chroma.stop();
    expect(isAlive(pid)).toBe(false);
    expect(await heartbeatOk(chroma.url)).toBe(false);
  });

  it("uses the port it is given and refuses one that is taken", async () => {
    const port = await findFreePort();
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(port, "127.0.0.1", resolve));
    cleanups.push(() => new Promise((resolve) => blocker.close(() => resolve())));
    const error = await startLocalChroma({ dataDir: await tempDir(), port }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(LocalServerError);
    expect((error as LocalServerError).code).toBe("START_FAILED");
    expect((error as LocalServerError).message).toContain(String(port));
  });

  it("keeps a detached server running after the process that started it exits, logging to dataDir", async () => {
    const dataDir = await tempDir();
    const { pid, url } = await startFromShortLivedProcess(dataDir, true);
    cleanups.unshift(async () => {
      if (isAlive(pid)) process.kill(pid, "SIGTERM");
      await until(() => !isAlive(pid), 10_000);
    });
    expect(await heartbeatOk(url)).toBe(true);
    expect(isAlive(pid)).toBe(true);
    expect(await readFile(path.join(dataDir, "chroma.log"), "utf8")).toContain(`${new URL(url).port}`);
  });

  it("stops a server that is not detached when the process that started it exits", async () => {
    const { pid, url } = await startFromShortLivedProcess(await tempDir(), false);
    expect(await until(() => !isAlive(pid), 10_000)).toBe(true);
    expect(await heartbeatOk(url)).toBe(false);
  });
});
