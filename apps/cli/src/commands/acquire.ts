import { AcquireSourceOptionsSchema, CoreError } from "@kmcp/core";
import { DbError, isDbError } from "@kmcp/db";
import type { AcquireResult } from "@kmcp/runtime";
import { Option, type Command } from "commander";
import { action, type CliContext } from "../context.js";
import { parseFlags, withoutUndefined } from "./flags.js";
import { plural } from "./format.js";
import { collect, crawlScope, crawlSummary, hasScopeFlags, printCrawl, runCrawl, type CrawlFlags } from "./crawl.js";

interface AcquireFlags extends CrawlFlags {
  title?: string;
  type?: string;
  tier?: string;
}

const FLAG_OF = { title: "--title", sourceType: "--type", authorityTier: "--tier" };

export function registerAcquireCommand(program: Command): void {
  program
    .command("acquire <url>")
    .summary("Fetch a web page or document (HTML, PDF, Word, Markdown, text) and make it searchable")
    .description(
      "Fetch <url> safely (http(s) only; loopback, private and link-local addresses refused unless KMCP_ACQUIRE_ALLOW_PRIVATE=1; " +
        "at most 5 redirects; 20 MB; robots.txt obeyed), extract its text (main content of an HTML page, PDF pages, Word headings) and ingest it as a source. " +
        "Run again to refresh: an unchanged document (HTTP 304 to the conditional request) writes nothing. " +
        "A url that cannot be fetched or read leaves its source `failed` with the reason. Needs PostgreSQL.",
    )
    .option("--title <title>", "title of the source (default: the document's own title)")
    .addOption(new Option("--type <type>", "source type (website, documentation, standards_body, blog, repository; default for new: documentation)"))
    .addOption(new Option("--tier <tier>", "authority tier (tier_1_canonical, tier_2_trusted, tier_3_community; default for new: tier_2_trusted)"))
    .option("--crawl", "crawl the site: every page under <url>'s folder, politely (robots.txt, Crawl-delay, Retry-After), resumable")
    .option("--max-pages <n>", "with --crawl: pages fetched at most (default 500)")
    .option("--max-depth <n>", "with --crawl: links away from <url> at most (default: no limit)")
    .option("--include <glob>", "with --crawl: only URLs matching (repeatable; /path/** or a whole-URL pattern)", collect)
    .option("--exclude <glob>", "with --crawl: leave out URLs matching (repeatable)", collect)
    .option("--concurrency <n>", "with --crawl: requests in flight at once (default 3)")
    .addHelpText(
      "after",
      "\nExamples:\n  kmcp acquire https://www.postgresql.org/docs/current/routine-vacuuming.html\n  kmcp acquire https://example.com/handbook.pdf --tier tier_1_canonical --json\n  kmcp acquire https://docs.example.org/guide/ --crawl --max-pages 200 --exclude '/guide/old/**'",
    )
    .action(
      action(async (ctx, url: string, flags: AcquireFlags, command: Command) => {
        const options = parseFlags(AcquireSourceOptionsSchema, withoutUndefined({ title: flags.title, sourceType: flags.type, authorityTier: flags.tier }), "acquire options", FLAG_OF);
        if (!flags.crawl && hasScopeFlags(flags)) throw new CoreError("VALIDATION", "--max-pages, --max-depth, --include, --exclude and --concurrency go with --crawl.");
        if (flags.crawl) {
          const scope = crawlScope(flags);
          const verbose = Boolean(command.optsWithGlobals<{ verbose?: boolean }>().verbose);
          const crawled = await runCrawl(ctx, await ctx.services(), url, { scope, ...options, verbose }).catch((error: unknown) => {
            throw explain(error);
          });
          if (ctx.json) return ctx.out.json(crawlSummary(crawled));
          return printCrawl(ctx, crawled);
        }
        const services = await ctx.services();
        let result: AcquireResult;
        try {
          result = await services.acquire(url, options);
        } catch (error) {
          throw explain(error);
        }
        if (ctx.json) return ctx.out.json(result);
        printResult(ctx, result);
      }),
    );
}

/** PostgreSQL down: nothing was fetched or written, and acquiring needs it. */
function explain(error: unknown): unknown {
  if (!isDbError(error) || (error.code !== "UNREACHABLE" && error.code !== "TIMEOUT")) return error;
  return new DbError(
    error.code,
    "Nothing was fetched or written: PostgreSQL is unreachable, and acquiring needs it to create and update the source. Start it (`kmcp up`) or check DATABASE_URL, then run the same command again.",
    { cause: error },
  );
}

function printResult(ctx: CliContext, result: AcquireResult) {
  const via = result.redirects.length ? ` (after ${plural(result.redirects.length, "redirect")} from ${result.url})` : "";
  if (result.outcome === "not_modified") {
    ctx.out.line(`${result.finalUrl}${via}: not modified since the last fetch (HTTP 304); nothing written.`);
    return;
  }
  ctx.out.line(`${result.finalUrl}${via}`);
  ctx.out.line(`  ${result.kind ?? "document"} "${result.title}": ${result.outcome}, ${plural(result.chunks, "chunk")}`);
  ctx.out.line(`  source ${result.sourceId}${result.sourceCreated ? " (new)" : ""}, active`);
  if (!result.sync) ctx.out.warn("Acquired, but the sync that makes the source searchable failed; run `kmcp sync run` (until then search leaves it out).");
}
