/**
 * Outage matrix (issue #20): every `kmcp` command with PostgreSQL down, Chroma down, and both
 * down — real servers stopped, not mocks. For each run: the documented exit code, at most three
 * lines on stderr, no stack trace, no line printed twice, no unhandled rejection, and afterwards,
 * with the servers back, exactly the writes the scenario allows.
 *
 * The commands run in-process through runCli (what the binary's main.ts runs), four at a time, so
 * the matrix takes seconds rather than a node start-up per run; unhandled rejections are caught
 * with a process listener. `sync watch` (which waits for a signal) and the issue's own case
 * (`search` with Chroma down) run the built binary under --unhandled-rejections=strict.
 *
 * The commands come from the commander tree (createProgram), so a command added later fails
 * this test until it has a row in ARGS (or a reason in EXCLUDED) and an expectation per scenario.
 */
import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import type { LocalChroma, LocalPostgres } from "@kmcp/local-servers";
import { startPrivateChroma } from "@kmcp/testing/chroma";
import { startPrivatePostgres } from "@kmcp/testing/postgres";
import { expectOutageWrites, mapBounded, snapshotStores, STACK_LINE, stderrLines, takeDown } from "@kmcp/testing/snapshot";
import type { Command } from "commander";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createProgram } from "../src/program.js";
import { runCli } from "../src/run-cli.js";
import { bin, tempHome, type CliResult } from "./run-cli.js";

type Scenario = "postgres down" | "chroma down" | "both down";
const SCENARIOS: Scenario[] = ["both down", "postgres down", "chroma down"]; // chroma down last: its writes reach PostgreSQL

/** Commands the matrix does not run, and why. */
const EXCLUDED: Record<string, string> = {
  demo: "runs on throwaway servers of its own (started by the demo), never on the configured stores",
};

/** Seeded ids, filled in by beforeAll; ARGS reads them lazily. */
const seed = { dir: "", getId: "", updateId: "", archiveId: "", removeId: "", approveId: "", rejectId: "", completeId: "" };

/**
 * Arguments per command (`--json` is not used: the human output is what people read on stderr).
 * `stopAfterMs`: a long-running command, run as the built binary and sent SIGTERM after that long.
 */
const ARGS: Record<string, { args: () => string[]; stopAfterMs?: number }> = {
  up: { args: () => [] },
  down: { args: () => [] },
  "db migrate": { args: () => [] },
  "db status": { args: () => [] },
  "sources add": { args: () => ["https://outage-new.example.test/", "--title", "New during the outage", "--type", "blog", "--tier", "tier_3_community"] },
  "sources list": { args: () => [] },
  "sources get": { args: () => [seed.getId] },
  "sources update": { args: () => [seed.updateId, "--title", "Renamed during the outage"] },
  "sources archive": { args: () => [seed.archiveId] },
  "sources remove": { args: () => [seed.removeId] },
  "sources import": { args: () => [path.join(seed.dir, "import.jsonl")] },
  ingest: { args: () => [path.join(seed.dir, "new.md")] },
  acquire: { args: () => ["https://outage-acquire.example.test/"] },
  jobs: { args: () => [] },
  "sources refresh": { args: () => [] },
  search: { args: () => ["rotate", "certificates"] },
  "requests create": { args: () => ["https://outage-wanted.example.test/", "--reason", "asked during the outage", "--id", randomUUID()] },
  "requests list": { args: () => [] },
  "requests approve": { args: () => [seed.approveId] },
  "requests reject": { args: () => [seed.rejectId] },
  "requests acquire": { args: () => ["--all"] },
  "requests complete": { args: () => [seed.completeId, "--title", "Completed during the outage", "--type", "blog", "--tier", "tier_3_community"] },
  "sync run": { args: () => [] },
  "sync status": { args: () => [] },
  "sync watch": { args: () => ["--interval", "500"], stopAfterMs: 2_500 },
  "sync verify": { args: () => [] },
  health: { args: () => [] },
  "mcp-config": { args: () => ["--client", "claude-code"] },
};

/**
 * The documented exit code per command and scenario (apps/cli/README.md): 0 when the command can
 * answer without the store that is down (reads from the mirror, writes to PostgreSQL that the next
 * sync mirrors, a request queued in Chroma); 5 when it cannot. `health` exits 1 for warn, 2 for fail.
 */
// command             postgres down, chroma down, both down   (# comments say why)
const EXPECTED = expectedCodes(`
  # With both URLs set, "up" starts nothing: it connects, and reports a failed sync without failing.
  up                 0 0 0
  down               0 0 0
  db migrate         5 0 5
  db status          5 0 5
  sources add        5 0 5
  sources list       0 0 5
  sources get        0 0 5
  sources update     5 0 5
  sources archive    5 0 5
  # With Chroma down the source is deleted, but its chunks cannot be: exit 5 says so.
  sources remove     5 5 5
  sources import     5 0 5
  ingest             5 5 5
  acquire            5 5 5
  # Crawls are PostgreSQL's (crawl_jobs, crawl_pages); no site is crawled here, so a refresh has nothing to fetch.
  jobs               5 0 5
  sources refresh    5 0 5
  search             0 5 5
  requests create    0 0 5
  requests list      0 0 5
  requests approve   5 0 5
  requests reject    5 0 5
  # Acquiring writes chunks: Chroma and PostgreSQL are checked before anything is fetched.
  requests acquire   5 5 5
  requests complete  5 0 5
  sync run           5 5 5
  sync status        0 0 0
  sync watch         0 0 0
  sync verify        5 5 5
  health             1 1 2
  mcp-config         0 0 0
`);

function expectedCodes(table: string): Record<string, Record<Scenario, number>> {
  const rows = table.split("\n").filter((line) => line.trim() && !line.trim().startsWith("#"));
  return Object.fromEntries(
    rows.map((line) => {
      const words = line.trim().split(/\s+/);
      const [postgres, chroma, both] = words.slice(-3).map(Number) as [number, number, number];
      return [words.slice(0, -3).join(" "), { "postgres down": postgres, "chroma down": chroma, "both down": both }];
    }),
  );
}

function leafCommands(command: Command, prefix: string[] = []): string[] {
  return command.commands.flatMap((c) => {
    const name = [...prefix, c.name()];
    return c.commands.length ? leafCommands(c, name) : [name.join(" ")];
  });
}

type RunResult = CliResult & { unhandled: string[] };

/** The built binary, under --unhandled-rejections=strict; a long-running one is stopped with SIGTERM. */
function spawnCli(args: string[], env: Record<string, string>, stopAfterMs?: number): Promise<RunResult> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      ["--unhandled-rejections=strict", bin, ...args],
      { env: { ...process.env, NO_COLOR: "1", KMCP_LOG_LEVEL: "warn", ...env }, timeout: 30_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
        // Stopped by our SIGTERM, a watch that exits 0 on it is a success.
        resolve({ code: stopAfterMs && child.exitCode === 0 ? 0 : code, stdout, stderr, unhandled: [] });
      },
    );
    if (stopAfterMs) setTimeout(() => child.kill("SIGTERM"), stopAfterMs);
  });
}

/** In-process, as main.ts runs it; rejections nobody handled while it ran are collected (of all concurrent runs). */
async function runInProcess(args: string[], env: Record<string, string>): Promise<RunResult> {
  let stdout = "";
  let stderr = "";
  const code = await runCli(args, { stdout: { write: (t: string) => (stdout += t) }, stderr: { write: (t: string) => (stderr += t) }, env: { NO_COLOR: "1", KMCP_LOG_LEVEL: "warn", ...env } });
  return { code, stdout, stderr, unhandled: [] };
}

function run(command: string, env: Record<string, string>): Promise<RunResult> {
  const { args, stopAfterMs } = ARGS[command]!;
  const argv = [...command.split(" "), ...args()];
  return stopAfterMs ? spawnCli(argv, env, stopAfterMs) : runInProcess(argv, env);
}

describe("every kmcp command during an outage", () => {
  let postgres: LocalPostgres;
  let chroma: LocalChroma;
  let env: Record<string, string>;
  const commands = leafCommands(createProgram()).filter((name) => !(name in EXCLUDED));
  const actual: Record<string, Partial<Record<Scenario, number>>> = {};

  const kmcpOk = async (args: string[]) => {
    const result = await runInProcess([...args, "--json"], env);
    if (result.code !== 0) throw new Error(`kmcp ${args.join(" ")} exited ${result.code}: ${result.stderr}`);
    return JSON.parse(result.stdout) as Record<string, unknown> & { id: string };
  };

  beforeAll(async () => {
    [postgres, chroma] = await Promise.all([startPrivatePostgres(), startPrivateChroma()]);
    const home = await tempHome();
    seed.dir = path.join(path.dirname(home), "files");
    await mkdir(seed.dir, { recursive: true });
    await writeFile(path.join(seed.dir, "guide.md"), "# Certificates\n\nHow to rotate TLS certificates without downtime.\n\n## Renewal\n\nRenew before expiry.\n");
    await writeFile(path.join(seed.dir, "new.md"), "# New\n\nA document ingested during the outage.\n");
    await writeFile(
      path.join(seed.dir, "import.jsonl"),
      `${JSON.stringify({ url: "https://outage-import.example.test/", title: "Imported", sourceType: "blog", authorityTier: "tier_3_community" })}\n`,
    );
    env = { DATABASE_URL: postgres.url, CHROMA_URL: chroma.url, KMCP_HOME: home };
    await kmcpOk(["db", "migrate"]);
    const add = (name: string) => kmcpOk(["sources", "add", `https://${name}.example.test/`, "--title", `Source ${name}`, "--type", "documentation", "--tier", "tier_2_trusted"]);
    const ask = (name: string) => kmcpOk(["requests", "create", `https://${name}.example.test/`, "--reason", `seed ${name}`]).then((r) => (r.request as { id: string }).id);
    const [get, update, archive, remove, approve, reject, complete] = await Promise.all([
      add("get"),
      add("update"),
      add("archive"),
      add("remove"),
      ask("approve"),
      ask("reject"),
      ask("complete"),
    ]);
    Object.assign(seed, { getId: get.id, updateId: update.id, archiveId: archive.id, removeId: remove.id, approveId: approve, rejectId: reject, completeId: complete });
    await kmcpOk(["requests", "approve", complete]);
    await kmcpOk(["ingest", path.join(seed.dir, "guide.md")]); // chunks to search, and the sync that makes the mirror
    expect(await kmcpOk(["sync", "run"])).toMatchObject({ mirrorSize: 5 });
  });

  afterAll(async () => {
    console.log(
      `outage matrix (expected/actual):\n${commands.map((c) => `  ${c.padEnd(18)} ${SCENARIOS.map((s) => `${s}: ${EXPECTED[c]?.[s]}/${actual[c]?.[s] ?? "-"}`).join("   ")}`).join("\n")}`,
    );
    await Promise.all([postgres?.destroy(), chroma?.destroy()]);
  });

  it("has arguments and an expected exit code for every command of the program", () => {
    expect(commands.filter((c) => !ARGS[c] || !EXPECTED[c]), "commands without a row in ARGS and EXPECTED (or a reason in EXCLUDED)").toEqual([]);
    expect(Object.keys(ARGS).filter((c) => !commands.includes(c)), "rows for commands that no longer exist").toEqual([]);
  });

  describe.each(SCENARIOS)("%s", (scenario) => {
    it("answers every command clearly, with the documented exit code, and writes only what it may", async () => {
      const before = await snapshotStores(postgres.url, chroma.url);
      const down = await takeDown(scenario, { postgres, chroma });
      const unhandled: unknown[] = [];
      const onUnhandled = (reason: unknown) => void unhandled.push(reason);
      process.on("unhandledRejection", onUnhandled);
      let results: RunResult[];
      try {
        results = await mapBounded(commands, 4, (c) => run(c, env));
        if (scenario !== "postgres down") {
          // The issue's report, end to end: the built binary, where an unhandled rejection kills the process.
          const search = await spawnCli(["search", "rotate", "certificates"], env);
          expect(search.stderr, "kmcp search (built binary)").not.toMatch(STACK_LINE);
          const lines = stderrLines(search.stderr);
          expect(search.code, search.stderr).toBe(5);
          expect(lines.length, search.stderr).toBeLessThanOrEqual(3);
          // One error line (before the fix: node's crash report, the error and its cause, twice over).
          expect(lines.filter((line) => line.startsWith("kmcp: ")), search.stderr).toEqual([expect.stringContaining("Cannot reach Chroma")]);
        }
      } finally {
        process.off("unhandledRejection", onUnhandled);
        await Promise.all(down.map((server) => server.start()));
      }
      expect(unhandled.map(String), "unhandled rejections").toEqual([]);
      const problems: string[] = [];
      commands.forEach((c, i) => {
        const r = results[i]!;
        (actual[c] ??= {})[scenario] = r.code;
        const lines = stderrLines(r.stderr);
        const say = (what: string) => problems.push(`kmcp ${c}: ${what}\n    stderr: ${lines.join("\n            ") || "(empty)"}`);
        if (r.code !== EXPECTED[c]![scenario]) say(`exit ${r.code}, expected ${EXPECTED[c]![scenario]}`);
        if (STACK_LINE.test(r.stderr)) say("a stack trace on stderr");
        if (lines.length > 3) say(`${lines.length} lines on stderr`);
        if (new Set(lines).size !== lines.length) say("a line printed twice");
        // `health` reports its verdict on stdout (exit 1 warn, 2 fail); every other failure says why on stderr.
        if (r.code !== 0 && lines.length === 0 && !(c === "health" && r.stdout.includes("health"))) say("failed without a word");
      });
      expect(problems, problems.join("\n")).toEqual([]);

      // Nothing written, but what the scenario allows (checked with both servers back up).
      const after = await snapshotStores(postgres.url, chroma.url);
      const { pg } = expectOutageWrites(scenario, before, after);
      if (scenario === "chroma down") {
        // PostgreSQL, the system of record, takes writes; the next sync mirrors them. Chroma is untouched.
        // (`sync run` takes the sync lease, then fails on Chroma and releases it: sync_leases changes too.)
        expect(Object.keys(pg).sort()).toEqual(["acquisition_requests", "source_tombstones", "source_versions", "sources", "sync_leases"]);
        // + add, + import, + the source `requests complete` creates, − remove (which then fails on the chunks: exit 5).
        expect(after.pg.sources!.rows - before.pg.sources!.rows).toBe(2);
        expect(after.pg.acquisition_requests!.rows - before.pg.acquisition_requests!.rows).toBe(1); // + create; approve, reject, complete update
      }
    });
  });
});
