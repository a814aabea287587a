import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { isLocalServerError, withHomeLock } from "../src/index.js";

const homeLockSource = fileURLToPath(new URL("../src/home-lock.ts", import.meta.url));
const packageDir = fileURLToPath(new URL("..", import.meta.url));
// Long enough that a holder starved of CPU on a loaded machine still refreshes its lock in time.
const STALE_MS = 5_000;

/**
 * A child `node` that takes the lock on `home`. As a holder it reports "held" and never lets go
 * (the test SIGKILLs it); as a contender it waits until `goAt` (so all contenders meet the dead
 * holder's lock at the same moment), then records when it entered and left its critical section.
 */
function lockChild(home: string, role: { holder: true } | { id: number; goAt: number; log: string; sectionMs: number }): ChildProcess {
  const script = `
    const fs = require("node:fs");
    const path = require("node:path");
    const now = () => performance.timeOrigin + performance.now();
    const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
    const role = ${JSON.stringify(role)};
    const home = ${JSON.stringify(home)};
    import(${JSON.stringify(homeLockSource)}).then(async ({ withHomeLock }) => {
      if (role.holder) {
        await withHomeLock(home, async () => { console.log("held"); await new Promise(() => setInterval(() => {}, 1000)); }, { staleMs: ${STALE_MS} });
        return;
      }
      await sleep(role.goAt - Date.now());
      await withHomeLock(home, async () => {
        const enter = now();
        let overlap = false;
        // A marker only one holder at a time can create: a second one inside fails here.
        try { fs.closeSync(fs.openSync(path.join(home, "inside"), "wx")); } catch { overlap = true; }
        await sleep(role.sectionMs);
        if (!overlap) fs.rmSync(path.join(home, "inside"));
        fs.appendFileSync(role.log, JSON.stringify({ id: role.id, enter, exit: now(), overlap }) + "\\n");
      }, { staleMs: ${STALE_MS}, timeoutMs: 60000 });
    });`;
  return spawn(process.execPath, ["--import", "tsx", "-e", script], { cwd: packageDir, stdio: ["ignore", "pipe", "pipe"] });
}

const exitOf = (child: ChildProcess) =>
  new Promise<number | null>((resolve) => (child.exitCode !== null ? resolve(child.exitCode) : child.once("exit", (code) => resolve(code))));

describe("withHomeLock", () => {
  const cleanups: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });
  async function tempHome(): Promise<string> {
    const dir = await mkdtemp(path.join(tmpdir(), "kmcp-lock-"));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    return dir;
  }

  it("runs one holder at a time within a process and removes the lock afterwards", async () => {
    const home = await tempHome();
    let inside = 0;
    let most = 0;
    const section = () =>
      withHomeLock(home, async () => {
        most = Math.max(most, ++inside);
        await new Promise((r) => setTimeout(r, 30));
        inside--;
      });
    await Promise.all([section(), section(), section()]);
    expect(most).toBe(1);
    expect(existsSync(path.join(home, ".lock"))).toBe(false);
  });

  it("times out with LOCKED, naming the lock path, while a live process holds it", async () => {
    const home = await tempHome();
    const holder = lockChild(home, { holder: true });
    cleanups.push(async () => holder.kill("SIGKILL"));
    await new Promise<void>((resolve) => holder.stdout!.once("data", () => resolve()));
    const error = await withHomeLock(home, async () => "entered", { timeoutMs: 500, staleMs: STALE_MS }).catch((e: unknown) => e);
    expect(isLocalServerError(error, "LOCKED"), String(error)).toBe(true);
    expect((error as Error).message).toContain(path.join(home, ".lock"));
  });

  // The bug: runtime's old mkdir lock took over a dead holder's lock by reading its pid file,
  // seeing the pid dead, `rm`-ing the lock dir and `mkdir`-ing it again, with awaits in between.
  // Contenders that all meet the dead holder's lock at once (as here, at `goAt`) each see the dead
  // pid; a slower one then removes the lock a faster one has just re-created, and both run their
  // critical sections at the same time — the `inside` marker and the timestamps below catch that.
  // Checked by hand: with the old implementation swapped in, this test failed in 4 of 5 runs,
  // every time on the `inside` marker (two contenders inside at once).
  // proper-lockfile instead takes a lock over only once it is stale (not refreshed for STALE_MS),
  // so contenders polling on their own jittered schedule meet the stale lock one at a time, and
  // the stale check and the removal run as one synchronous step (see guardedFs in home-lock.ts).
  it("regression: contenders never overlap after the previous holder was killed with SIGKILL", async () => {
    const home = await tempHome();
    const log = path.join(home, "sections.jsonl");
    const holder = lockChild(home, { holder: true });
    await new Promise<void>((resolve) => holder.stdout!.once("data", () => resolve()));
    holder.kill("SIGKILL");
    await exitOf(holder);
    expect(existsSync(path.join(home, ".lock"))).toBe(true); // left behind by the killed holder

    const goAt = Date.now() + 3_000;
    const contenders = [1, 2, 3, 4].map((id) => lockChild(home, { id, goAt, log, sectionMs: 200 }));
    const stderr: string[] = [];
    for (const child of contenders) child.stderr!.on("data", (d: Buffer) => stderr.push(d.toString()));
    const codes = await Promise.all(contenders.map(exitOf));
    expect(codes, stderr.join("")).toEqual([0, 0, 0, 0]);

    const sections = (await readFile(log, "utf8"))
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as { id: number; enter: number; exit: number; overlap: boolean })
      .sort((a, b) => a.enter - b.enter);
    expect(sections.map((s) => s.id).sort()).toEqual([1, 2, 3, 4]);
    expect(sections.filter((s) => s.overlap)).toEqual([]);
    for (let i = 1; i < sections.length; i++) expect(sections[i]!.enter).toBeGreaterThanOrEqual(sections[i - 1]!.exit);
    expect(existsSync(path.join(home, ".lock"))).toBe(false);
  });
});
