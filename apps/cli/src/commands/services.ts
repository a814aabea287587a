import { embeddedServicesStatus, stopEmbeddedServices } from "@kmcp/local-servers";
import type { Command } from "commander";
import { action } from "../context.js";

export function registerServicesCommands(program: Command): void {
  program
    .command("up")
    .description("Start the embedded PostgreSQL and Chroma under KMCP_HOME (reused if already running), migrate, and sync the mirror")
    .action(
      action(async (ctx) => {
        const kmcp = await ctx.services();
        const status = await embeddedServicesStatus(ctx.config.home);
        const where = kmcp.describe();
        const part = (name: "postgres" | "chroma") => {
          const embedded = kmcp.embedded[name];
          return {
            embedded,
            where: where[name],
            // Embedded: whether this `up` started it or found it running; your own server: neither.
            state: embedded ? (kmcp.started.includes(name) ? "started" : "reused") : "external",
            pid: embedded ? status[name].pid : null,
            port: embedded ? status[name].port : null,
          };
        };
        // A sync, so the mirror exists and `kmcp health` passes on a fresh home. Its failure (your
        // own PostgreSQL down, say) is reported, not fatal: the servers are up all the same.
        const sync = await kmcp.sync.syncSources({ mode: "incremental" }).then(
          async (report) => ({ ok: true as const, mode: report.mode, mirrorSize: await kmcp.store.sources.count().catch(() => null) }),
          (error: Error) => ({ ok: false as const, error: error.message }),
        );
        const summary = { home: ctx.config.home, postgres: part("postgres"), chroma: part("chroma"), sync };
        if (ctx.json) return ctx.out.json(summary);
        const line = (label: string, p: ReturnType<typeof part>) =>
          p.embedded ? `${label}${p.state}, running on 127.0.0.1:${p.port} (${p.where})` : `${label}${p.where}`;
        ctx.out.line(line("PostgreSQL: ", summary.postgres));
        ctx.out.line(line("Chroma:     ", summary.chroma));
        if (sync.ok) ctx.out.line(`Mirror:     synced, holds ${sync.mirrorSize ?? "an unknown number of"} source${sync.mirrorSize === 1 ? "" : "s"}`);
        else ctx.out.warn(`could not sync the mirror: ${sync.error} (run \`kmcp sync run\` once it is fixed)`);
        ctx.out.line(ctx.out.green("kmcp is up."));
      }),
    );

  program
    .command("down")
    .description("Stop the embedded PostgreSQL and Chroma (data is kept)")
    .action(
      action(async (ctx) => {
        const stopped = await stopEmbeddedServices(ctx.config.home);
        if (ctx.json) return ctx.out.json({ stopped });
        ctx.out.line(stopped.length ? `Stopped ${stopped.join(" and ")}.` : "Nothing was running.");
      }),
    );
}
