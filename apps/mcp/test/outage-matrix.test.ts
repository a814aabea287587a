/**
 * Outage matrix (issue #20), MCP side: every tool of the built server (enumerated with listTools,
 * so a tool added later fails this test until it has arguments and an expectation here), with
 * PostgreSQL down, Chroma down, and both down — real servers stopped, not mocks.
 *
 * One server process per scenario, started after the outage began (a cold start during an
 * outage: nothing warm to fall back on but the stores). For each call: a successful answer
 * (labelled origin "mirror" where it comes from the mirror) or `isError` with one clear
 * sentence; no stack trace on the server's stderr; the process still alive at the end (an
 * unhandled rejection would have killed it: node's default); and, with the servers back,
 * exactly the writes the scenario allows.
 */
import { randomUUID } from "node:crypto";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import type { LocalChroma, LocalPostgres } from "@kmcp/local-servers";
import { createKmcp, parseKmcpEnv } from "@kmcp/runtime";
import { expectOutageWrites, snapshotStores, STACK_LINE, takeDown } from "@kmcp/testing/snapshot";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, connectStdio, startStores, text } from "./harness.js";

type Scenario = "postgres down" | "chroma down" | "both down";
const SCENARIOS: Scenario[] = ["both down", "postgres down", "chroma down"]; // chroma down last: its writes reach PostgreSQL

/** "ok": a successful answer; "mirror": successful, with origin "mirror"; "error": isError with one sentence. */
type Outcome = "ok" | "mirror" | "error";

const seed = { sourceUrl: "https://outage-source.example.test/" };

const TOOLS: Record<string, { args: () => Record<string, unknown>; expected: Record<Scenario, Outcome> }> = {
  knowledge_search: { args: () => ({ query: "rotate certificates" }), expected: { "postgres down": "ok", "chroma down": "error", "both down": "error" } },
  knowledge_sources: { args: () => ({ limit: 5 }), expected: { "postgres down": "mirror", "chroma down": "ok", "both down": "error" } },
  knowledge_source: { args: () => ({ idOrUrl: seed.sourceUrl }), expected: { "postgres down": "mirror", "chroma down": "ok", "both down": "error" } },
  // PostgreSQL down: queued in Chroma (the documented write); Chroma down: stored in PostgreSQL.
  knowledge_request: {
    args: () => ({ url: "https://outage-wanted.example.test/", reason: "asked during the outage", id: randomUUID() }),
    expected: { "postgres down": "ok", "chroma down": "ok", "both down": "error" },
  },
  knowledge_requests: { args: () => ({}), expected: { "postgres down": "ok", "chroma down": "ok", "both down": "error" } },
  // Counts from the mirror with PostgreSQL down; with Chroma down the counts, and "Search index: unavailable".
  knowledge_stats: { args: () => ({}), expected: { "postgres down": "mirror", "chroma down": "ok", "both down": "error" } },
  // The health report answers whatever is down: that is its job.
  // The stored source from the mirror with PostgreSQL down; a loopback url is refused by the address rule, without a fetch.
  knowledge_preflight: { args: () => ({ url: "http://127.0.0.1:9/outage-preflight" }), expected: { "postgres down": "mirror", "chroma down": "ok", "both down": "error" } },
  knowledge_status: { args: () => ({}), expected: { "postgres down": "ok", "chroma down": "ok", "both down": "ok" } },
  knowledge_sync: { args: () => ({ action: "run" }), expected: { "postgres down": "error", "chroma down": "error", "both down": "error" } },
};

describe("every MCP tool during an outage", () => {
  let postgres: LocalPostgres;
  let chroma: LocalChroma;
  let env: Record<string, string>;
  const actual: Record<string, Partial<Record<Scenario, string>>> = {};

  beforeAll(async () => {
    ({ postgres, chroma, env } = await startStores());
    env = { ...env, KMCP_LOG_LEVEL: "warn" };
    // Seeded with the runtime the server runs on: a source, an ingested Markdown file (chunks to
    // search), a request, and a sync (so the mirror exists).
    const dir = path.dirname(env.KMCP_HOME!);
    await writeFile(path.join(dir, "guide.md"), "# Certificates\n\nHow to rotate TLS certificates without downtime.\n");
    const kmcp = createKmcp({ config: parseKmcpEnv(env) });
    try {
      const services = await kmcp.ready();
      await services.db.sources.create({ url: seed.sourceUrl, title: "Outage source", sourceType: "documentation", authorityTier: "tier_2_trusted" });
      await services.ingest([path.join(dir, "guide.md")]);
      await services.requests.create({ url: "https://seed-wanted.example.test/", reason: "seed" });
      await services.sync.syncSources();
    } finally {
      await kmcp.close();
    }
  });

  afterAll(async () => {
    const tools = Object.keys(actual);
    console.log(
      `MCP outage matrix (expected/actual):\n${tools.map((t) => `  ${t.padEnd(19)} ${SCENARIOS.map((s) => `${s}: ${TOOLS[t]?.expected[s]}/${actual[t]?.[s] ?? "-"}`).join("   ")}`).join("\n")}`,
    );
    await Promise.all([postgres?.destroy(), chroma?.destroy()]);
  });

  describe.each(SCENARIOS)("%s", (scenario) => {
    it("answers every tool clearly and writes only what it may", async () => {
      const before = await snapshotStores(postgres.url, chroma.url);
      const down = await takeDown(scenario, { postgres, chroma });
      const problems: string[] = [];
      try {
        const session = await connectStdio(env);
        try {
          const { tools } = await session.client.listTools();
          const names = tools.map((t) => t.name);
          expect(names.filter((name) => !TOOLS[name]), "tools without a row in TOOLS").toEqual([]);
          expect(Object.keys(TOOLS).filter((name) => !names.includes(name)), "rows for tools that no longer exist").toEqual([]);
          const results = await Promise.all(names.map((name) => call(session.client, name, TOOLS[name]!.args())));
          names.forEach((name, i) => {
            const result = results[i]!;
            const message = text(result);
            const outcome: Outcome = result.isError ? "error" : result.structuredContent?.origin === "mirror" ? "mirror" : "ok";
            (actual[name] ??= {})[scenario] = outcome;
            const say = (what: string) => problems.push(`${name}: ${what}\n    ${message.split("\n").join("\n    ")}`);
            if (outcome !== TOOLS[name]!.expected[scenario]) say(`${outcome}, expected ${TOOLS[name]!.expected[scenario]}`);
            if (name === "knowledge_search" && outcome === "ok" && !(result.structuredContent?.results as unknown[]).length) say("no results from the ingested file");
            if (result.isError && (message.includes("\n") || STACK_LINE.test(message) || message.length > 400)) say("not one clear sentence");
          });
          // Still alive: an unhandled rejection would have ended the process.
          await session.client.ping();
          const stderr = session.stderr();
          if (STACK_LINE.test(stderr)) problems.push(`a stack trace on the server's stderr:\n${stderr}`);
        } finally {
          await session.close();
        }
      } finally {
        await Promise.all(down.map((server) => server.start()));
      }
      expect(problems, problems.join("\n")).toEqual([]);

      const after = await snapshotStores(postgres.url, chroma.url);
      const { pg } = expectOutageWrites(scenario, before, after);
      if (scenario === "chroma down") {
        // The request goes to PostgreSQL, the system of record; Chroma is untouched. (`knowledge_sync
        // run` takes the sync lease, then fails on Chroma and releases it: sync_leases changes too.)
        expect(Object.keys(pg).sort()).toEqual(["acquisition_requests", "sync_leases"]);
        expect(after.pg.acquisition_requests!.rows - before.pg.acquisition_requests!.rows).toBe(1);
      }
    });
  });
});
