import { embeddedServicesStatus, stopEmbeddedServices } from "@kmcp/local-servers";
import type { Command } from "commander";
import { action } from "../context.js";

export function registerServicesCommands(program: Command): void {
  program
    .command("up")
    .description("Start the embedded PostgreSQL and Chroma under KMCP_HOME (reused if already running) and migrate")
    .action(
      action(async (ctx) => {
        const kmcp = await ctx.services();
        const status = await embeddedServicesStatus(ctx.config.home);
        const where = kmcp.describe();
        const summary = {
          home: ctx.config.home,
          postgres: { embedded: kmcp.embedded.postgres, where: where.postgres, pid: kmcp.embedded.postgres ? status.postgres.pid : null, port: kmcp.embedded.postgres ? status.postgres.port : null },
          chroma: { embedded: kmcp.embedded.chroma, where: where.chroma, pid: kmcp.embedded.chroma ? status.chroma.pid : null, port: kmcp.embedded.chroma ? status.chroma.port : null },
        };
        if (ctx.json) return ctx.out.json(summary);
        ctx.out.line(`PostgreSQL: ${where.postgres}${summary.postgres.port ? ` on 127.0.0.1:${summary.postgres.port}` : ""}`);
        ctx.out.line(`Chroma:     ${where.chroma}${summary.chroma.port ? ` on 127.0.0.1:${summary.chroma.port}` : ""}`);
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
