import { healthExitCode, type HealthReport } from "@kmcp/health";
import type { Command } from "commander";
import { action, type CliContext } from "../context.js";
import { ExitError } from "../exit-codes.js";

export function registerHealthCommand(program: Command): void {
  program
    .command("health")
    .description("Check PostgreSQL, Chroma, mirror freshness and the queued-writes backlog (exit 0 pass, 1 warn, 2 fail)")
    .action(
      action(async (ctx) => {
        const { health } = await ctx.services();
        const report = await health.report();
        if (ctx.json) ctx.out.json(report);
        else printReport(ctx, report);
        const code = healthExitCode(report);
        if (code !== 0) throw new ExitError(code);
      }),
    );
}

function printReport(ctx: CliContext, report: HealthReport) {
  const paint = (status: string) => (status === "pass" ? ctx.out.green : status === "warn" ? ctx.out.yellow : ctx.out.red)(status);
  ctx.out.line(`${ctx.out.bold("health")}  ${paint(report.status)}${report.output ? `  ${report.output}` : ""}`);
  const rows = Object.entries(report.checks).flatMap(([key, results]) =>
    results.map((r) => [key, paint(r.status), r.observedValue === null ? "-" : `${r.observedValue} ${r.observedUnit}`, r.output ?? ""]),
  );
  ctx.out.table(["CHECK", "STATUS", "OBSERVED", "DETAIL"], rows);
}
