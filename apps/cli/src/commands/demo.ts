import { accessSync, constants, existsSync } from "node:fs";
import { rm } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { makeServerTempDir, startLocalChroma, startLocalPostgres } from "@kmcp/local-servers";
import { createKmcp, parseKmcpEnv } from "@kmcp/runtime";
import type { CatalogPage } from "@kmcp/sync-core";
import type { Command } from "commander";
import { action, type CliContext } from "../context.js";
import type { Output } from "../output.js";

const SEED = [
  { url: "https://www.rfc-editor.org/rfc/rfc9110", title: "RFC 9110: HTTP Semantics", sourceType: "standards_body", authorityTier: "tier_1_canonical" },
  { url: "https://nodejs.org/docs/latest/api/", title: "Node.js API documentation", sourceType: "documentation", authorityTier: "tier_1_canonical" },
  { url: "https://www.postgresql.org/docs/current/", title: "PostgreSQL documentation", sourceType: "documentation", authorityTier: "tier_1_canonical" },
  { url: "https://github.com/chroma-core/chroma", title: "Chroma repository", sourceType: "repository", authorityTier: "tier_2_trusted" },
  { url: "https://jvns.ca/", title: "Julia Evans' blog", sourceType: "blog", authorityTier: "tier_3_community" },
] as const;

export function registerDemoCommand(program: Command): void {
  program
    .command("demo")
    .description("See kmcp keep answering through a database outage, on throwaway local servers (touches nothing of yours)")
    .action(action(runDemo));
}

async function runDemo(ctx: CliContext): Promise<void> {
  const { out } = ctx;
  const base = await makeServerTempDir("kmcp-demo-");
  const step = (text: string) => out.line(`\n${out.bold("▸")} ${out.bold(text)}`);

  step("Starting a local PostgreSQL and a local Chroma (from npm packages, nothing to install)");
  const [postgres, chroma] = await Promise.all([
    startLocalPostgres({ dataDir: path.join(base, "pg"), durability: "throwaway" }),
    startLocalChroma({ dataDir: path.join(base, "chroma") }),
  ]);
  // The same assembly as `kmcp up`, pointed at the throwaway servers.
  const kmcp = createKmcp({ config: parseKmcpEnv({ DATABASE_URL: postgres.url, CHROMA_URL: chroma.url, KMCP_HOME: base, KMCP_LOG_LEVEL: "silent" }) });
  try {
    const { db, sync, catalog } = await kmcp.ready();
    step("Adding knowledge sources to PostgreSQL, the system of record");
    for (const input of SEED) {
      const source = await db.sources.create({ ...input, status: "active" });
      out.line(`  ${source.sourceType.padEnd(15)} ${source.authorityTier.padEnd(17)} ${source.title}`);
    }
    const request = await db.requests.create({ url: "https://modelcontextprotocol.io/specification", reason: "Assistants need the MCP spec" });
    await db.requests.transition({ id: request.id, to: "approved" });
    await db.requests.transition({
      id: request.id,
      to: "completed",
      source: { title: "MCP specification", sourceType: "standards_body", authorityTier: "tier_1_canonical" },
    });
    out.line(`  + an acquisition request, approved and completed: "MCP specification"`);

    step("Syncing the metadata mirror into Chroma");
    const report = await sync.syncSources();
    out.line(`  ${report.upserted} sources mirrored in ${report.durationMs} ms`);

    const tier1 = { authorityTier: "tier_1_canonical" } as const;
    step("Listing tier-1 sources");
    await show(catalog.list(tier1), out);

    step("Killing PostgreSQL (SIGKILL) and asking again");
    await postgres.kill();
    await show(catalog.list(tier1), out);

    step("Restarting PostgreSQL: reads return to it with no manual step");
    await postgres.start();
    let page = await catalog.list(tier1);
    for (let i = 0; i < 50 && page.origin !== "primary"; i++) {
      await new Promise((r) => setTimeout(r, 100));
      page = await catalog.list(tier1);
    }
    await show(Promise.resolve(page), out);
  } finally {
    await kmcp.close();
    await Promise.all([postgres.destroy(), chroma.destroy()]);
    await rm(base, { recursive: true, force: true });
  }
  out.line(`\n${out.green("Done.")} What next:`);
  for (const line of nextSteps(ctx.env, ctx.config.home)) out.line(`  ${line}`);
}

/** What to run next, as lines that run as printed: `kmcp` if it is on PATH, else how to put it there. */
export function nextSteps(env: NodeJS.ProcessEnv, home: string): string[] {
  let kmcp = "kmcp";
  const steps: [string, string][] = [];
  if (!onPath("kmcp", env)) {
    // From a clone, `npm run setup` puts it on PATH; otherwise this very binary works.
    const root = path.resolve(fileURLToPath(new URL("../../..", import.meta.url)));
    if (existsSync(path.join(root, "tooling", "path-setup.mjs"))) steps.push([`(cd ${root} && npm run setup)`, "put `kmcp` and `kmcp-mcp` on your PATH; then, in a new shell:"]);
    else kmcp = `node ${fileURLToPath(new URL("main.js", import.meta.url))}`;
  }
  steps.push(
    [`${kmcp} up`, `start your own knowledge base (embedded servers under ${home})`],
    [`${kmcp} mcp-config`, "connect Claude Desktop, Claude Code or Cursor to it"],
    [`${kmcp} --help`, "everything else"],
  );
  const width = Math.max(...steps.map(([c]) => c.length));
  return steps.map(([command, what]) => `${command.padEnd(width)}  # ${what}`);
}

function onPath(name: string, env: NodeJS.ProcessEnv): boolean {
  return (env.PATH ?? "").split(path.delimiter).some((dir) => {
    if (!dir) return false;
    try {
      accessSync(path.join(dir, name), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

async function show(pagePromise: Promise<CatalogPage>, out: Output) {
  const page = await pagePromise;
  const label =
    page.origin === "primary" ? out.green("from PostgreSQL") : out.yellow(`from the mirror, as of ${page.asOf.toISOString()}`);
  out.line(`  ${page.items.length} sources ${label}:`);
  for (const s of page.items) out.line(`    ${s.title}  ${out.dim(s.url)}`);
}
