import type { Command } from "commander";
import { action, respond } from "../context.js";

export function registerDbCommand(program: Command): void {
  const db = program.command("db").description("The PostgreSQL schema");

  db.command("migrate")
    .description("Apply pending migrations (also done automatically on start)")
    .action(
      action(async (ctx) => {
        const { db: database } = await ctx.services();
        respond(ctx, await database.migrate(), (result) =>
          ctx.out.line(result.appliedNow.length ? `Applied ${result.appliedNow.join(", ")}.` : `Up to date (${result.applied.length} migration(s) applied).`),
        );
      }),
    );

  db.command("status")
    .description("Which migrations are applied and which are pending")
    .action(
      action(async (ctx) => {
        const { db: database } = await ctx.services();
        respond(ctx, await database.migrationStatus(), (status) => {
          for (const name of status.applied) ctx.out.line(`${ctx.out.green("applied")}  ${name}`);
          for (const name of status.pending) ctx.out.line(`${ctx.out.yellow("pending")}  ${name}`);
          for (const name of status.failed) ctx.out.line(`${ctx.out.red("failed")}   ${name}`);
          for (const name of status.unknown) ctx.out.line(`${ctx.out.red("unknown")}  ${name} (from a newer kmcp)`);
        });
      }),
    );
}
