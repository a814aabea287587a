import { spawn } from "node:child_process";
import { createChromaStore, type ChromaStore, type StoredChunk } from "@kmcp/chroma-store";
import { createDb, type Db } from "@kmcp/db";
import { embeddedServicesStatus } from "@kmcp/local-servers";
import { startFixtureSite, type FixtureSite } from "@kmcp/testing/site";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bin, json, kmcp, tempHome } from "./run-cli.js";

// 225 pages: 10 sections of 21 pages, their indexes, the home page and the pages only the sitemaps and llms.txt list.
const SITE = { sections: 10, pagesPerSection: 21, latencyMs: 2, crawlDelaySeconds: 0.001 };

let env: Record<string, string>;
let db: Db;
let store: ChromaStore;
let site: FixtureSite;
let reference: FixtureSite;

beforeAll(async () => {
  env = { KMCP_HOME: await tempHome(), KMCP_ACQUIRE_ALLOW_PRIVATE: "1" };
  const up = await kmcp(["up", "--json"], env);
  expect(up.code, up.stderr).toBe(0);
  const status = await embeddedServicesStatus(env.KMCP_HOME as string);
  db = createDb({ url: status.postgres.url as string });
  store = createChromaStore({ url: status.chroma.url as string });
  [site, reference] = await Promise.all([startFixtureSite(SITE), startFixtureSite(SITE)]);
});
afterAll(async () => {
  await db?.close();
  await store?.close();
  await site?.close();
  await reference?.close();
  if (env) await kmcp(["down"], env);
});

const pathOf = (url: string) => new URL(url).pathname.replace(/\/$/, "") || "/";
/** Page requests the site answered (not its folders' redirects to their slash, robots.txt, sitemaps, llms.txt). */
const pageRequests = (s: FixtureSite) => s.requests.filter((r) => r.status !== 301 && !/^\/(robots\.txt|sitemap|sitemaps\/|llms\.txt)/.test(r.path)).map((r) => pathOf(`http://x${r.path}`));

/** The site's source id, once the crawl created it. */
async function sourceIdOf(s: FixtureSite): Promise<string | null> {
  return (await db.sources.get(s.start))?.id ?? null;
}

/** Pages the current job has settled (never to be requested again in it). */
async function settledPages(sourceId: string): Promise<string[]> {
  const job = await db.crawls.latestJob(sourceId);
  return (await db.crawls.pages(sourceId)).filter((p) => p.jobId === job?.id).map((p) => pathOf(p.url));
}

/** A real `kmcp acquire --crawl` child, SIGKILLed once the site has at least `stored` pages stored. */
async function crawlKilledAt(stored: number): Promise<{ settledAtKill: string[]; storedAtKill: number }> {
  const child = spawn(process.execPath, [bin, "acquire", site.start, "--crawl", "--max-pages", "1000", "--json"], {
    env: { ...process.env, NO_COLOR: "1", KMCP_LOG_LEVEL: "warn", ...env },
    stdio: "ignore",
  });
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) => child.on("exit", (code, signal) => resolve(signal ?? code)));
  let finished = false;
  void exited.then(() => (finished = true));
  for (;;) {
    const sourceId = await sourceIdOf(site);
    const count = sourceId ? (await db.crawls.pages(sourceId)).filter((p) => p.status === "stored").length : 0;
    if (count >= stored) break;
    if (finished) throw new Error(`the crawl ended before ${stored} pages were stored (${count})`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  child.kill("SIGKILL");
  expect(await exited).toBe("SIGKILL");
  const sourceId = (await sourceIdOf(site)) as string;
  const pages = await db.crawls.pages(sourceId);
  return { settledAtKill: await settledPages(sourceId), storedAtKill: pages.filter((p) => p.status === "stored").length };
}

/** Each page's chunks: exactly one complete cut (indexes 0..n-1 once, one content hash), and the ids unique. */
function checkChunks(chunks: readonly StoredChunk[]): Map<string, number> {
  expect(new Set(chunks.map((c) => c.id)).size).toBe(chunks.length);
  const byPage = new Map<string, StoredChunk[]>();
  for (const chunk of chunks) byPage.set(chunk.url ?? "", [...(byPage.get(chunk.url ?? "") ?? []), chunk]);
  const counts = new Map<string, number>();
  for (const [url, own] of byPage) {
    expect(own.map((c) => c.index).sort((a, b) => a - b), url).toEqual(own.map((_, i) => i));
    expect(new Set(own.map((c) => `${c.contentHash}/${c.count}`)).size, url).toBe(1);
    expect(own[0]?.count, url).toBe(own.length);
    counts.set(pathOf(url), own.length);
  }
  return counts;
}

describe("kmcp acquire --crawl", () => {
  it("killed with SIGKILL at three moments and run again: the same pages and chunks as an uninterrupted crawl, no stored page fetched again", async () => {
    const kills: number[] = [];
    let settledBefore: string[] = [];
    for (const at of [25, 90, 150]) {
      site.reset();
      const { settledAtKill, storedAtKill } = await crawlKilledAt(at);
      // What this run asked for never includes a page settled by an earlier run of the job.
      expect(pageRequests(site).filter((p) => settledBefore.includes(p))).toEqual([]);
      kills.push(storedAtKill);
      settledBefore = settledAtKill;
    }
    expect(kills[0]).toBeLessThan(kills[1] as number);
    expect(kills[1]).toBeLessThan(kills[2] as number);

    site.reset();
    const last = json<{ status: string; resumed: boolean; job: { stored: number; pending: number; chunks: number }; failed: unknown[] }>(
      await kmcp(["acquire", site.start, "--crawl", "--max-pages", "1000", "--json"], env),
    );
    expect(last).toMatchObject({ status: "completed", resumed: true, failed: [], job: { pending: 0 } });
    expect(pageRequests(site).filter((p) => settledBefore.includes(p))).toEqual([]);

    const whole = json<{ status: string; resumed: boolean; job: { chunks: number } }>(await kmcp(["acquire", reference.start, "--crawl", "--max-pages", "1000", "--json"], env));
    expect(whole).toMatchObject({ status: "completed", resumed: false });

    const sourceId = (await sourceIdOf(site)) as string;
    const referenceId = (await sourceIdOf(reference)) as string;
    // A page whose chunks were written just before a kill, but not yet recorded, is found complete
    // when visited again: `unchanged`. Either way its content is stored, once.
    const storedPaths = async (id: string) =>
      (await db.crawls.pages(id)).filter((p) => p.status === "stored" || p.status === "unchanged").map((p) => pathOf(p.url)).sort();
    expect(await storedPaths(sourceId)).toEqual(site.expectedPaths());
    expect(await storedPaths(sourceId)).toEqual(await storedPaths(referenceId));
    const chunks = checkChunks(await store.chunks.ofSource(sourceId));
    const referenceChunks = checkChunks(await store.chunks.ofSource(referenceId));
    expect(Object.fromEntries(chunks)).toEqual(Object.fromEntries(referenceChunks));
    expect(last.job.chunks).toBe(whole.job.chunks);
    expect((await db.crawls.listJobs({ sourceId })).map((j) => j.status)).toEqual(["completed"]);
  });

  it("refuses a second crawl of the same site while one runs (exit 4), and lists crawls in kmcp jobs", async () => {
    const held = await db.crawls.lock(`${site.base}/docs`);
    try {
      const second = await kmcp(["acquire", site.start, "--crawl"], env);
      expect(second.code).toBe(4);
      expect(second.stderr).toContain("already running");
    } finally {
      await held?.release();
    }
    const jobs = json<{ url: string; status: string; counts: { stored: number; unchanged: number } }[]>(await kmcp(["jobs", "--json"], env));
    expect(jobs.map((j) => j.url).sort()).toEqual([`${reference.base}/docs`, `${site.base}/docs`].sort());
    expect(jobs.map((j) => [j.status, j.counts.stored + j.counts.unchanged])).toEqual([
      ["completed", site.expectedPaths().length],
      ["completed", site.expectedPaths().length],
    ]);
    const table = await kmcp(["jobs"], env);
    expect(table.stdout).toMatch(/completed .* \d+ .*\/docs/);
  });

  it("refuses scope flags without --crawl, and bad ones, before anything runs", async () => {
    const without = await kmcp(["acquire", site.start, "--max-pages", "5"], env);
    expect(without.code).toBe(2);
    expect(without.stderr).toContain("go with --crawl");
    const bad = await kmcp(["acquire", site.start, "--crawl", "--concurrency", "99"], env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--concurrency");
  });

  it("sources refresh: unchanged pages answer 304 and nothing is written; the changed page is replaced, the vanished one removed", async () => {
    const sourceId = (await sourceIdOf(site)) as string;
    site.change("/docs/s3/p4.html", "Fresh words about the pangolin maintenance window.");
    site.remove("/docs/s5/p9.html");
    site.reset();
    const version = await store.chunks.version();
    const refreshed = json<{ crawl: { fetched: number; unchanged: number; gone: number } }[]>(await kmcp(["sources", "refresh", "--source", sourceId, "--json"], env));
    expect(refreshed[0]?.crawl).toMatchObject({ fetched: 1, gone: 2 });
    expect(refreshed[0]?.crawl.unchanged).toBe(site.expectedPaths().length - 1);
    expect(await store.chunks.version()).not.toBe(version);
    expect(await store.chunks.ofPage(sourceId, `${site.base}/docs/s5/p9.html`)).toEqual([]);
    const found = json<{ results: { document: { url: string } | null }[] }>(await kmcp(["search", "pangolin maintenance window", "--json"], env));
    expect(found.results[0]?.document?.url).toBe(`${site.base}/docs/s3/p4.html`);

    // Nothing changed since: every page a 304, and no chunk written or removed.
    site.reset();
    const quiet = await store.chunks.version();
    const again = json<{ crawl: { fetched: number } }[]>(await kmcp(["sources", "refresh", "--json"], env));
    expect(again.map((r) => r.crawl.fetched)).toEqual([0, 0]);
    expect(site.requests.filter((r) => r.status === 200 && r.path.endsWith(".html"))).toEqual([]);
    expect(await store.chunks.version()).toBe(quiet);
  });

  it("health warns about crawled sites last crawled longer ago than KMCP_CRAWL_MAX_AGE; sources refresh --older-than leaves fresher sites alone", async () => {
    type Health = { checks: Record<string, { status: string; observedValue: number | null }[]> };
    const crawlCheck = async (extra: Record<string, string> = {}) => (JSON.parse((await kmcp(["health", "--json"], { ...env, ...extra })).stdout) as Health).checks["crawls:freshness"]?.[0];
    expect(await crawlCheck()).toMatchObject({ status: "pass", observedValue: 0 });
    await new Promise((resolve) => setTimeout(resolve, 1_100)); // both sites were crawled more than 1 s ago now
    expect(await crawlCheck({ KMCP_CRAWL_MAX_AGE: "1s" })).toMatchObject({ status: "warn", observedValue: 2 });

    site.reset();
    expect(json(await kmcp(["sources", "refresh", "--older-than", "7d", "--json"], env))).toEqual([]);
    expect((await kmcp(["sources", "refresh", "--older-than", "7d"], env)).stdout).toContain("No crawled site is due for a refresh.");
    expect(site.requests).toEqual([]);
  });
});
