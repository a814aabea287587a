import { CoreError, parseInput, RequestCreateSchema, RequestListQuerySchema, RequestTransitionSchema, type RequestTransitionInput } from "@kmcp/core";
import type { RequestAcquisition } from "@kmcp/runtime";
import { EXIT, ExitError } from "../exit-codes.js";
import { Option, type Command } from "commander";
import { action, type CliContext } from "../context.js";
import { plural, printRequests } from "./format.js";

export function registerRequestsCommand(program: Command): void {
  const requests = program.command("requests").description("Ask for sources to be added, and approve or reject the asks");

  requests
    .command("create <url>")
    .description("Ask for a source to be added")
    .requiredOption("--reason <text>", "why it is needed")
    .option("--priority <n>", "1 (highest) to 5", "3")
    .option("--requested-by <name>", "who asks")
    .option("--id <uuid>", "your own id, so a retried create is not duplicated")
    .action(
      action(async (ctx, url: string, flags: { reason: string; priority: string; requestedBy?: string; id?: string }) => {
        const input = parseInput(
          RequestCreateSchema,
          { url, reason: flags.reason, priority: flags.priority, requestedBy: flags.requestedBy, id: flags.id },
          "acquisition request",
        );
        const { requests: writer } = await ctx.services();
        const { outcome, request } = await writer.create(input);
        if (ctx.json) return ctx.out.json({ outcome, request });
        if (outcome === "queued") {
          ctx.out.warn("PostgreSQL is unreachable: the request is queued locally and will be uploaded automatically when it is back.");
          ctx.out.line(`Queued ${request.id} (pending upload) ${request.url}`);
        } else ctx.out.line(`Requested ${request.id} (${request.status}) ${request.url}`);
      }),
    );

  requests
    .command("list")
    .description("List requests, oldest first")
    .addOption(new Option("--status <status>", "pending, approved, rejected or completed"))
    .option("--limit <n>", "page size, 1 to 1000", "50")
    .option("--cursor <cursor>", "the next-page cursor printed by the previous page")
    .action(
      action(async (ctx, flags: { status?: string; limit: string; cursor?: string }) => {
        const query = parseInput(RequestListQuerySchema, { status: flags.status, limit: flags.limit, cursor: flags.cursor }, "request list query");
        const { requests: writer } = await ctx.services();
        const page = await writer.list(query);
        if (ctx.json) return ctx.out.json(page);
        if (page.storedUnavailable) ctx.out.warn("PostgreSQL is unreachable: only requests queued locally are shown.");
        if (page.queuedUnavailable) ctx.out.warn("Chroma is unreachable: requests queued while PostgreSQL was down are not shown.");
        const queued = page.pendingUpload;
        printRequests(ctx, [...page.items, ...queued]);
        ctx.out.line(
          ctx.out.dim(`${page.items.length} request(s)${queued.length ? `, ${queued.length} pending upload` : ""}${page.nextCursor ? `; next page: --cursor ${page.nextCursor}` : ""}`),
        );
      }),
    );

  requests
    .command("approve <id>")
    .description("Mark a pending request approved; with --acquire, also fetch its url (as `kmcp acquire` does) and complete it with that source")
    .option("--acquire", "fetch, extract and ingest the request's url, then mark the request completed, linked to the source")
    .action(
      action(async (ctx, id: string, flags: { acquire?: boolean }) => {
        if (!flags.acquire) return transition(ctx, { id, to: "approved" });
        await approveAndAcquire(ctx, id);
      }),
    );
  requests
    .command("acquire [id]")
    .description("Acquire approved requests (one by id, or --all): each fetched as `kmcp acquire` does and completed with its source; one that fails stays approved, its source failed with the reason")
    .option("--all", "every approved request")
    .action(action(async (ctx, id: string | undefined, flags: { all?: boolean }) => acquireApproved(ctx, id, flags.all === true)));
  requests
    .command("reject <id>")
    .description("Mark a pending request rejected")
    .action(action(async (ctx, id: string) => transition(ctx, { id, to: "rejected" })));

  requests
    .command("complete <id>")
    .description("Mark an approved request completed, linking the source for its url (created from these flags when missing)")
    .option("--title <title>", "title of the source to create")
    .option("--type <type>", "its source type")
    .option("--tier <tier>", "its authority tier")
    .option("--description <text>", "its description")
    .action(
      action(async (ctx, id: string, flags: { title?: string; type?: string; tier?: string; description?: string }) => {
        const given = [flags.title, flags.type, flags.tier].filter((v) => v !== undefined).length;
        if (given > 0 && given < 3) throw new CoreError("VALIDATION", "To create the source, give --title, --type and --tier together.");
        const source = given === 3 ? { title: flags.title, sourceType: flags.type, authorityTier: flags.tier, description: flags.description } : undefined;
        await transition(ctx, { id, to: "completed", ...(source ? { source } : {}) } as RequestTransitionInput);
      }),
    );
}

/**
 * Approve (unless already approved), acquire the url, complete the request linked to the source.
 * If the acquisition fails the request stays approved and the source `failed` (with the reason),
 * so running it again retries.
 */
async function approveAndAcquire(ctx: CliContext, id: string) {
  const { request, acquired } = await (await ctx.services()).acquireRequest(id, { approve: true });
  if (ctx.json) return ctx.out.json({ request, acquired });
  printAcquisition(ctx, { outcome: "completed", request, acquired });
}

/** `requests acquire`: each request completed, or left approved with the reason; exit 1 when any failed. */
async function acquireApproved(ctx: CliContext, id: string | undefined, all: boolean) {
  if (Boolean(id) === all) throw new CoreError("VALIDATION", "Give a request id or --all (not both).");
  const results = await (await ctx.services()).acquireRequests(id ? { ids: [id] } : { all: true });
  const failed = results.filter((r) => r.outcome === "failed").length;
  if (ctx.json) ctx.out.json({ results, completed: results.length - failed, failed });
  else {
    for (const result of results) printAcquisition(ctx, result);
    ctx.out.line(ctx.out.dim(`${results.length - failed} completed, ${failed} failed${results.length ? "" : " (no approved requests)"}`));
  }
  if (failed > 0) throw new ExitError(EXIT.failure, `${failed} request(s) could not be acquired; they stay approved: run \`kmcp requests acquire\` again to retry.`);
}

function printAcquisition(ctx: CliContext, result: RequestAcquisition) {
  if (result.outcome === "failed") {
    ctx.out.warn(`Request ${result.request.id} (${result.request.url}) stays approved: ${result.reason}`);
    return;
  }
  const { acquired, request } = result;
  ctx.out.line(`Acquired ${acquired.finalUrl}: ${acquired.kind ?? "document"} "${acquired.title}", ${acquired.outcome}, ${plural(acquired.chunks, "chunk")}`);
  ctx.out.line(`Request ${request.id} is ${request.status}; source ${request.sourceId ?? acquired.sourceId}`);
}

async function transition(ctx: CliContext, input: RequestTransitionInput) {
  parseInput(RequestTransitionSchema, input, "request transition");
  const { db } = await ctx.services();
  const request = await db.requests.transition(input);
  if (ctx.json) return ctx.out.json(request);
  ctx.out.line(`Request ${request.id} is ${request.status}${request.sourceId ? `; source ${request.sourceId}` : ""}`);
}
