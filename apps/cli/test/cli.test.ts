import { mkdir, mkdtemp, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawn } from "node:child_process";
import { createChromaStore } from "@kmcp/chroma-store";
import { createDb } from "@kmcp/db";
import { embeddedServicesStatus } from "@kmcp/local-servers";
import { bin, json, kmcp, startCli, tempHome } from "./run-cli.js";

let env: Record<string, string>;
beforeAll(async () => {
  env = { KMCP_HOME: await tempHome() };
  expect((await kmcp(["up"], env)).code).toBe(0);
});
afterAll(async () => {
  await kmcp(["down"], env);
});

const add = (url: string, extra: string[] = []) =>
  kmcp(["sources", "add", url, "--title", `Title of ${url}`, "--type", "documentation", "--tier", "tier_2_trusted", "--json", ...extra], env);

// Help and usage errors are tested in-process (src/run-cli.test.ts); these few runs of the built
// binary check that main.ts passes them through with the same output and exit codes.
describe("kmcp --help", () => {
  it.each([[[]], [["sources", "add"]]])("kmcp %j --help explains itself and exits 0", async (args) => {
    const result = await kmcp([...args, "--help"], env);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`Usage: kmcp${args.length ? ` ${args.join(" ")}` : ""}`);
  });

  it("refuses an unknown command even with --help, with exit 2", async () => {
    const result = await kmcp(["nosuch", "--help"], env);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("unknown command 'nosuch'");
  });
});

describe("kmcp commands start light", () => {
  let recordings = 0;
  /** The lines a `kmcp …` process recorded through a test hook (fixtures/<fixture>.mjs); the run must exit 0. */
  async function recordedBy(fixture: "record-imports" | "record-builtins", args: string[], runEnv: Record<string, string>): Promise<string[]> {
    const hook = fileURLToPath(new URL(`./fixtures/${fixture}.mjs`, import.meta.url));
    const variable = fixture === "record-imports" ? "KMCP_TEST_IMPORTS_FILE" : "KMCP_TEST_BUILTINS_FILE";
    const file = path.join(env.KMCP_HOME!, `${fixture}-${++recordings}.txt`);
    const result = await new Promise<number | null>((resolve) => {
      const child = spawn(process.execPath, ["--import", hook, bin, ...args], { env: { ...process.env, ...runEnv, [variable]: file }, stdio: "ignore" });
      child.on("exit", resolve);
    });
    expect(result).toBe(0);
    return (await readFile(file, "utf8")).split("\n").filter(Boolean);
  }
  /** The URLs of the modules a `kmcp …` process loaded. */
  const loadedBy = (args: string[], runEnv = env) => recordedBy("record-imports", args, runEnv);
  /** The Node.js built-in modules a `kmcp …` process loaded. */
  const builtinsOf = (args: string[], runEnv = env) => recordedBy("record-builtins", args, runEnv);
  // Prisma, search and ingestion (extractors), acquisition: what the whole command tree loads.
  const HEAVY = /@prisma\/client|\/packages\/db\/dist\/index\.js|\/packages\/search\/dist\/index\.js|\/packages\/extract\/|\/packages\/acquire\/|mammoth|linkedom/;

  it("loads neither Prisma nor search, ingestion or acquisition for `sync run` and `sync status`, as the other commands do", async () => {
    for (const args of [["sync", "run"], ["--json", "sync", "status"]]) {
      const loaded = await loadedBy(args);
      // The light entry point: one file holding the sync's workspace packages (see tsup.config.ts).
      expect(loaded.some((url) => url.endsWith("/apps/cli/dist/sync-main.js")), args.join(" ")).toBe(true);
      expect(loaded.filter((url) => url.includes("/packages/sync-core/")), args.join(" ")).toEqual([]);
      expect(loaded.filter((url) => HEAVY.test(url)), args.join(" ")).toEqual([]);
    }
    expect((await loadedBy(["sources", "list"])).some((url) => HEAVY.test(url))).toBe(true);
  });

  it("does not load Node's fetch (undici) for a `sync run` against PostgreSQL and Chroma servers that finds nothing to do", async () => {
    // Loading it (the chromadb client builds on it) was a fifth of such a run's CPU (BENCHMARKS.md, figure 14).
    const status = await embeddedServicesStatus(env.KMCP_HOME!);
    const servers = { ...env, DATABASE_URL: status.postgres.url!, CHROMA_URL: status.chroma.url! };
    expect(json(await kmcp(["sync", "run", "--json"], servers))).toMatchObject({ outcome: "success" });
    const idle = await builtinsOf(["sync", "run", "--json"], servers);
    expect(idle.filter((name) => name.includes("undici"))).toEqual([]);
    // The check sees it when it is loaded: `sync verify` reads through the whole runtime and the chromadb client.
    expect((await builtinsOf(["sync", "verify"], servers)).some((name) => name.includes("undici"))).toBe(true);
  });

  it("loads neither the chromadb client nor undici for an ingest of new files: its requests to Chroma go over node:http", async () => {
    // Loading the client and writing through it (and Node's fetch under it) was a fifth of an
    // ingest's CPU (BENCHMARKS.md, figure 8); undici, ~70 ms, is loaded at the first fetch or search.
    const dir = await mkdtemp(path.join(env.KMCP_HOME!, "light-ingest-"));
    await writeFile(path.join(dir, "a.md"), "# Light ingest\n\nThe quartz lantern glows over the harbour.\n");
    await writeFile(path.join(dir, "b.md"), "# Second note\n\nA violet kestrel circles the old mill.\n");
    const loaded = await loadedBy(["ingest", dir, "--json"]);
    const search = json(await kmcp(["search", "violet kestrel", "--json"], env)) as { results: { source: { title: string } }[] };
    expect(search.results[0]?.source.title).toBe("Second note");
    expect(loaded.some((url) => url.includes("/packages/search/dist/"))).toBe(true);
    expect(loaded.filter((url) => /\/node_modules\/(chromadb|undici)\//.test(url))).toEqual([]);
  });

  it("exits 5 when an embedded server cannot start, though that error comes from the installed @kmcp/local-servers, not the bundled packages", async () => {
    // A live process named as the postmaster of the embedded PostgreSQL's data directory.
    const home = await tempHome();
    await mkdir(path.join(home, "postgres"), { recursive: true });
    await writeFile(path.join(home, "postgres", "PG_VERSION"), "17\n");
    await writeFile(path.join(home, "postgres", "postmaster.pid"), `${process.pid}\n`);
    const result = await kmcp(["sync", "run"], { KMCP_HOME: home, CHROMA_URL: "http://127.0.0.1:9" });
    expect(result.stderr).toContain(`a PostgreSQL server (pid ${process.pid}) already runs on`);
    expect(result.code).toBe(5);
  });
});

describe("kmcp up / down", () => {
  it("reuses the running embedded services", async () => {
    const first = json<{ postgres: { pid: number; embedded: boolean }; chroma: { pid: number } }>(await kmcp(["up", "--json"], env));
    const second = json<typeof first>(await kmcp(["up", "--json"], env));
    expect(first.postgres).toMatchObject({ embedded: true, pid: expect.any(Number) });
    expect(second.postgres.pid).toBe(first.postgres.pid);
    expect(second.chroma.pid).toBe(first.chroma.pid);
  });

  it("reports the schema as migrated", async () => {
    expect(json(await kmcp(["db", "migrate", "--json"], env))).toMatchObject({ pending: [], appliedNow: [] });
    expect(json(await kmcp(["db", "status", "--json"], env))).toMatchObject({ applied: ["20261124000000_init", "20261125000000_notify_source_changes", "20261126000000_source_versions", "20261127000000_source_fetch_states", "20261128000000_crawl_jobs", "20261128100000_sync_leases"], pending: [] });
  });
});

describe("kmcp sources", () => {
  it("adds, gets, lists, updates, archives and removes", async () => {
    const added = json<{ id: string; url: string }>(await add("HTTPS://Crud.Example.test/Guide/"));
    expect(added.url).toBe("https://crud.example.test/Guide");
    expect(json(await kmcp(["sources", "get", "https://crud.example.test/Guide", "--json"], env))).toMatchObject({
      source: { id: added.id },
      origin: "primary",
      asOf: null,
    });
    const listed = json<{ items: { id: string }[]; nextCursor: string | null; origin: string }>(
      await kmcp(["sources", "list", "--query", "crud.example", "--json"], env),
    );
    expect(listed).toMatchObject({ origin: "primary", nextCursor: null });
    expect(listed.items.map((s) => s.id)).toEqual([added.id]);
    expect(json(await kmcp(["sources", "update", added.id, "--title", "Renamed", "--status", "active", "--json"], env))).toMatchObject({ title: "Renamed", status: "active" });
    expect(json(await kmcp(["sources", "archive", added.id, "--json"], env))).toMatchObject({ status: "archived" });
    expect(json(await kmcp(["sources", "remove", added.id, "--json"], env))).toEqual({ removed: added.id, url: added.url });
    expect((await kmcp(["sources", "get", added.id], env)).code).toBe(3);
  });

  it("pages with --limit and --cursor, up to 1000 a page", async () => {
    for (const n of [1, 2, 3]) await add(`https://page-${n}.example.test/`);
    const first = json<{ items: { url: string }[]; nextCursor: string }>(await kmcp(["sources", "list", "--query", "page-", "--limit", "2", "--json"], env));
    expect(first.items.map((s) => s.url)).toEqual(["https://page-1.example.test/", "https://page-2.example.test/"]);
    const second = json<{ items: { url: string }[]; nextCursor: null }>(
      await kmcp(["sources", "list", "--query", "page-", "--limit", "2", "--cursor", first.nextCursor, "--json"], env),
    );
    expect(second).toMatchObject({ items: [{ url: "https://page-3.example.test/" }], nextCursor: null });
    expect((await kmcp(["sources", "list", "--limit", "1000"], env)).code).toBe(0);
    const table = await kmcp(["sources", "list", "--query", "page-"], env);
    expect(table.stdout).toMatch(/^ID\s+TYPE\s+TIER\s+STATUS\s+TITLE\s+URL$/m);
    expect(table.stdout).not.toContain("\u001b[");
  });

  it.each([
    // The other usage errors need no server and are tested in-process (src/run-cli.test.ts);
    // these reach the services (the cursor is read by the catalog), plus one parsing error end to end.
    ["a missing flag", ["sources", "add", "https://x.test", "--type", "blog", "--tier", "tier_2_trusted"], 2, "--title"],
    ["a bad cursor", ["sources", "list", "--cursor", "xyz"], 2, "cursor"],
    ["an unknown id", ["sources", "remove", "00000000-0000-4000-8000-000000000000"], 3, "No source with id"],
  ])("refuses %s with one clear line and exit %i", async (_what, args, code, message) => {
    const result = await kmcp(args, env);
    expect(result.code).toBe(code);
    expect(result.stderr).toContain(message);
    expect(result.stderr).not.toMatch(/\n\s+at /); // no stack trace without --verbose
  });

  it("refuses a duplicate url with exit 4, and shows a stack only with --verbose", async () => {
    await add("https://dup.example.test/");
    const dup = await add("https://DUP.example.test");
    expect(dup.code).toBe(4);
    expect(dup.stderr).toContain("already exists");
    const verbose = await add("https://dup.example.test/", ["--verbose"]);
    expect(verbose.stderr).toMatch(/\n\s+at /);
  });

  it("imports JSON Lines and CSV, reporting bad rows by line, and is idempotent on url", async () => {
    const dir = path.dirname(env.KMCP_HOME!);
    const jsonl = path.join(dir, "sources.jsonl");
    await writeFile(
      jsonl,
      [
        JSON.stringify({ url: "https://imp-1.example.test", title: "One", sourceType: "blog", authorityTier: "tier_3_community" }),
        "{not json",
        JSON.stringify({ url: "https://imp-2.example.test", title: "Two", sourceType: "website", authorityTier: "tier_1_canonical", status: "active" }),
        JSON.stringify({ url: "javascript:alert(1)", title: "Bad", sourceType: "blog", authorityTier: "tier_3_community" }),
      ].join("\n"),
    );
    const first = await kmcp(["sources", "import", jsonl, "--json"], env);
    expect(first.code).toBe(2);
    expect(JSON.parse(first.stdout)).toMatchObject({
      created: 2,
      updated: 0,
      unchanged: 0,
      rejected: [{ line: 2, error: expect.stringContaining("invalid JSON") }, { line: 4, error: expect.stringContaining("url") }],
    });
    expect(JSON.parse((await kmcp(["sources", "import", jsonl, "--json"], env)).stdout)).toMatchObject({ created: 0, unchanged: 2 });

    const csv = path.join(dir, "sources.csv");
    await writeFile(csv, 'url,title,sourceType,authorityTier,description\nhttps://imp-1.example.test,"One, renamed",blog,tier_3_community,\nhttps://imp-3.example.test,Three,repository,tier_2_trusted,"multi\nline"\n');
    const fromCsv = await kmcp(["sources", "import", csv], env);
    expect(fromCsv.code).toBe(0);
    expect(fromCsv.stdout).toContain("1 created, 1 updated, 0 unchanged, 0 rejected");
    const missing = await kmcp(["sources", "import", path.join(dir, "nope.csv")], env);
    expect(missing).toMatchObject({ code: 2, stderr: expect.stringContaining("no such file") });
  });
});

describe("kmcp requests", () => {
  it("walks the approval workflow and refuses a forbidden move with exit 4", async () => {
    const { outcome, request: created } = json<{ outcome: string; request: { id: string; status: string; priority: number } }>(
      await kmcp(["requests", "create", "https://wanted.example.test/", "--reason", "asked often", "--priority", "2", "--requested-by", "ada", "--json"], env),
    );
    expect(outcome).toBe("created");
    expect(created).toMatchObject({ status: "pending", priority: 2 });
    const listed = json<{ items: { id: string }[] }>(await kmcp(["requests", "list", "--status", "pending", "--json"], env));
    expect(listed.items.map((r) => r.id)).toContain(created.id);
    expect(json(await kmcp(["requests", "approve", created.id, "--json"], env))).toMatchObject({ status: "approved" });
    const wrong = await kmcp(["requests", "reject", created.id], env);
    expect(wrong).toMatchObject({ code: 4, stderr: expect.stringContaining("cannot become rejected") });
    const noDetails = await kmcp(["requests", "complete", created.id], env);
    expect(noDetails.code).toBe(2);
    const done = json<{ status: string; sourceId: string }>(
      await kmcp(["requests", "complete", created.id, "--title", "Wanted", "--type", "website", "--tier", "tier_2_trusted", "--json"], env),
    );
    expect(done).toMatchObject({ status: "completed", sourceId: expect.any(String) });
    expect((await kmcp(["requests", "create", "https://x.test", "--reason", "r", "--priority", "9"], env)).code).toBe(2);
    expect((await kmcp(["requests", "approve", "00000000-0000-4000-8000-000000000000"], env)).code).toBe(3);
  });
});

describe("kmcp sync", () => {
  it("runs, reports its state, and verifies the mirror (exit 1 on drift)", async () => {
    expect(json(await kmcp(["sync", "run", "--json"], env))).toMatchObject({ outcome: "success", mode: "incremental" });
    expect(json(await kmcp(["sync", "status", "--json"], env))).toMatchObject({ status: "synced", isOnline: true });
    expect(json(await kmcp(["sync", "verify", "--json"], env))).toMatchObject({ inSync: true });

    const extra = json<{ id: string }>(await add("https://drift.example.test/"));
    const drift = await kmcp(["sync", "verify"], env);
    expect(drift.code).toBe(1);
    expect(drift.stdout).toContain(`missing from the mirror: ${extra.id}`);
    expect(json(await kmcp(["sync", "run", "--full", "--json"], env))).toMatchObject({ mode: "full", upserted: 1 });
    expect((await kmcp(["sync", "verify"], env)).code).toBe(0);
  });

  it("reports health: pass with everything up and synced (exit 0)", async () => {
    expect((await kmcp(["sync", "run"], env)).code).toBe(0);
    const result = await kmcp(["health", "--json"], env);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report).toMatchObject({ status: "pass", checks: { "postgres:responseTime": [{ status: "pass" }], "chroma:responseTime": [{ status: "pass" }], "mirror:freshness": [{ status: "pass" }], "writes:backlog": [{ status: "pass", observedValue: 0 }] } });
    const human = await kmcp(["health"], env);
    expect(human.stdout).toMatch(/^CHECK\s+STATUS\s+OBSERVED\s+DETAIL$/m);
  });

  it("waits for another process's sync as long as --wait says, then gives up naming it (exit 5); sync status says who syncs", async () => {
    // Another process (an MCP server, say) is played by taking the sync lease directly in PostgreSQL.
    const status = await embeddedServicesStatus(env.KMCP_HOME!);
    const db = createDb({ url: status.postgres.url! });
    const store = createChromaStore({ url: status.chroma.url! });
    const lease = { name: store.collections.syncState, holderId: "other-process" };
    let token: number | null = null; // released in finally if an assertion fails first, so later tests can sync
    try {
      const held = await db.leases.acquire({ ...lease, holder: "kmcp-mcp pid 7 on elsewhere", ttlMs: 120_000 });
      if (!held.acquired) throw new Error("the sync lease was not free");
      token = held.token;
      const busy = await kmcp(["sync", "run", "--wait", "0.5"], env);
      expect(busy.code).toBe(5);
      expect(busy.stderr).toContain("Another process is syncing: kmcp-mcp pid 7 on elsewhere");
      expect(busy.stderr).toMatch(/kmcp: Another sync is running: kmcp-mcp pid 7 on elsewhere \(syncing since \d{4}-.*\) held the sync lease for the 500 ms this call would wait/);
      expect(json(await kmcp(["sync", "status", "--json"], env))).toMatchObject({ lease: { holder: "kmcp-mcp pid 7 on elsewhere", self: false } });
      expect((await kmcp(["sync", "status"], env)).stdout).toMatch(/^syncing now {2}kmcp-mcp pid 7 on elsewhere \(since \d{4}-/m);

      await db.leases.release({ ...lease, token, ok: true });
      token = null;
      expect(json(await kmcp(["sync", "run", "--wait", "0", "--json"], env))).toMatchObject({ outcome: "success" });
      expect((await kmcp(["sync", "status"], env)).stdout).toMatch(/^syncing now {2}no process$/m);
    } finally {
      if (token !== null) await db.leases.release({ ...lease, token, ok: false });
      await Promise.all([db.close(), store.close()]);
    }
  });

  it("watches: syncs in the background until interrupted", async () => {
    const watch = startCli(["sync", "watch", "--interval", "200"], env);
    const line = await watch.waitFor(/synced/);
    expect(line).toMatch(/synced\s+mode=incremental/);
    watch.child.kill("SIGINT");
    expect(await watch.exited).toBe(0);
  });
});

describe("with PostgreSQL unreachable", () => {
  it("answers reads from the mirror and says so; refuses writes with exit 5; never shows the password", async () => {
    const up = json<{ chroma: { port: number } }>(await kmcp(["up", "--json"], env));
    const offline = {
      ...env,
      DATABASE_URL: "postgresql://kmcp:hunter22-secret@127.0.0.1:1/kmcp",
      CHROMA_URL: `http://127.0.0.1:${up.chroma.port}`,
    };
    const read = await kmcp(["sources", "list", "--query", "imp-", "--json"], offline);
    expect(read.code).toBe(0);
    expect(JSON.parse(read.stdout)).toMatchObject({ origin: "mirror", asOf: expect.any(String) });
    const human = await kmcp(["sources", "list", "--query", "imp-"], offline);
    expect(human.stderr).toContain("answered from the mirror");
    const write = await add("https://while-down.example.test/");
    const writeOffline = await kmcp(["sources", "add", "https://while-down.example.test/", "--title", "t", "--type", "blog", "--tier", "tier_2_trusted"], offline);
    expect(write.code).toBe(0);
    expect(writeOffline.code).toBe(5);
    expect(writeOffline.stderr).toContain("PostgreSQL is unreachable");
    const queued = await kmcp(["requests", "create", "https://queued.example.test/", "--reason", "asked while down", "--json"], offline);
    expect(queued.code).toBe(0);
    const queuedBody = JSON.parse(queued.stdout) as { outcome: string; request: { id: string; pendingUpload: boolean } };
    expect(queuedBody).toMatchObject({ outcome: "queued", request: { pendingUpload: true } });
    const listed = await kmcp(["requests", "list"], offline);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(new RegExp(`${queuedBody.request.id}\\s+pending upload`));
    expect(listed.stderr).toContain("only requests queued locally");
    // Back online (the embedded PostgreSQL), the next command uploads it.
    const after = json<{ items: { id: string }[]; pendingUpload: unknown[] }>(await kmcp(["requests", "list", "--limit", "1000", "--json"], env));
    expect(after.items.map((r) => r.id)).toContain(queuedBody.request.id);
    expect(after.pendingUpload).toEqual([]);
    const status = json(await kmcp(["sync", "status", "--json"], offline));
    expect(status).toMatchObject({ isOnline: false, status: "offline" });
    for (const result of [read, human, writeOffline, queued, listed]) expect(result.stdout + result.stderr).not.toContain("hunter22-secret");
  });

  it("reports health as warn (exit 1) with PostgreSQL down and a fresh mirror, fail (exit 2) with Chroma down too", async () => {
    const up = json<{ chroma: { port: number } }>(await kmcp(["up", "--json"], env));
    const dead = "postgresql://kmcp:hunter22-secret@127.0.0.1:1/kmcp";
    const degraded = await kmcp(["health", "--json"], { ...env, DATABASE_URL: dead, CHROMA_URL: `http://127.0.0.1:${up.chroma.port}` });
    expect(degraded.code).toBe(1);
    expect(JSON.parse(degraded.stdout)).toMatchObject({ status: "warn", checks: { "postgres:responseTime": [{ status: "fail" }] } });
    const down = await kmcp(["health", "--json"], { ...env, DATABASE_URL: dead, CHROMA_URL: "http://127.0.0.1:1" });
    expect(down.code).toBe(2);
    expect(JSON.parse(down.stdout)).toMatchObject({ status: "fail" });
    for (const r of [degraded, down]) expect(r.stdout + r.stderr).not.toContain("hunter22-secret");
  });

  it("rejects a malformed DATABASE_URL by name", async () => {
    const result = await kmcp(["sources", "list"], { ...env, DATABASE_URL: "mysql://root:hunter22@x/y" });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("DATABASE_URL");
    expect(result.stderr).not.toContain("hunter22");
  });
});

describe("output to a closed pipe", () => {
  it("exits quietly when the reader goes away (like `kmcp sources list | head`)", async () => {
    const file = path.join(path.dirname(env.KMCP_HOME!), "many.jsonl");
    const rows = Array.from({ length: 1000 }, (_, i) => JSON.stringify({ url: `https://pipe-${i}.example.test/`, title: `Pipe ${i}`, sourceType: "blog", authorityTier: "tier_3_community" }));
    await writeFile(file, rows.join("\n"));
    expect((await kmcp(["sources", "import", file], env)).code).toBe(0);
    // Far more than a pipe buffer holds, so writing goes on after the reader has gone.
    const child = spawn(process.execPath, [bin, "sources", "list", "--limit", "1000"], { env: { ...process.env, ...env } });
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.stdout.once("data", () => child.stdout.destroy());
    const code = await new Promise((resolve) => child.on("exit", resolve));
    expect(stderr).not.toContain("EPIPE");
    expect(code).toBe(0);
  });
});

describe("kmcp down", () => {
  it("stops the embedded services, and says so when nothing runs", async () => {
    expect(json(await kmcp(["down", "--json"], env))).toEqual({ stopped: ["postgres", "chroma"] });
    expect((await kmcp(["down"], env)).stdout).toContain("Nothing was running");
  });
});
