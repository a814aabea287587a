import { access } from "node:fs/promises";
import { CoreError, IdSchema, parseInput, SourceCreateSchema, SourceListQuerySchema, SourceRefSchema, SourceUpdateSchema } from "@kmcp/core";
import { DbError } from "@kmcp/db";
import { importSourceFile } from "@kmcp/runtime";
import { Option, type Command } from "commander";
import { action } from "../context.js";
import { EXIT, ExitError } from "../exit-codes.js";
import { withoutUndefined } from "./flags.js";
import { noteOrigin, printSource, printSources } from "./format.js";
import { registerRefreshCommand } from "./jobs.js";

const typeOption = () => new Option("--type <type>", "source type (website, documentation, standards_body, blog, repository)");
const tierOption = () => new Option("--tier <tier>", "authority tier (tier_1_canonical, tier_2_trusted, tier_3_community)");
const statusOption = () => new Option("--status <status>", "status (pending, active, failed, archived)");

interface SourceFlags {
  title?: string;
  type?: string;
  tier?: string;
  status?: string;
  description?: string;
  url?: string;
}

/** Flags to library input; the library's schemas validate it. */
function sourceFields(flags: SourceFlags) {
  return {
    title: flags.title,
    sourceType: flags.type,
    authorityTier: flags.tier,
    status: flags.status,
    description: flags.description,
    url: flags.url,
  };
}

export function registerSourcesCommand(program: Command): void {
  const sources = program.command("sources").description("Add, find and change knowledge sources");

  sources
    .command("add <url>")
    .description("Add a source (the url is normalised; a duplicate is refused)")
    .requiredOption("--title <title>", "title")
    .addOption(typeOption().makeOptionMandatory())
    .addOption(tierOption().makeOptionMandatory())
    .addOption(statusOption())
    .option("--description <text>", "description")
    .action(
      action(async (ctx, url: string, flags: SourceFlags) => {
        const input = parseInput(SourceCreateSchema, withoutUndefined({ ...sourceFields(flags), url }), "source");
        const { db } = await ctx.services();
        const source = await db.sources.create(input);
        if (ctx.json) return ctx.out.json(source);
        ctx.out.line(`Added ${source.id} ${source.url}`);
      }),
    );

  sources
    .command("list")
    .description("List sources, ordered by url (answers from the mirror when PostgreSQL is down)")
    .addOption(typeOption())
    .addOption(tierOption())
    .addOption(statusOption())
    .option("--query <text>", "text to find in the title or url")
    .option("--limit <n>", "page size, 1 to 1000", "50")
    .option("--cursor <cursor>", "the next-page cursor printed by the previous page")
    .action(
      action(async (ctx, flags: SourceFlags & { query?: string; limit: string; cursor?: string }) => {
        const query = parseInput(
          SourceListQuerySchema,
          withoutUndefined({ sourceType: flags.type, authorityTier: flags.tier, status: flags.status, query: flags.query, limit: flags.limit, cursor: flags.cursor }),
          "source list query",
        );
        const { catalog } = await ctx.services();
        const page = await catalog.list(query);
        if (ctx.json) return ctx.out.json(page);
        noteOrigin(ctx, page);
        printSources(ctx, page.items);
        ctx.out.line(ctx.out.dim(`${page.items.length} source(s)${page.nextCursor ? `; next page: --cursor ${page.nextCursor}` : ""}`));
      }),
    );

  sources
    .command("get <idOrUrl>")
    .description("Show one source by id or url")
    .action(
      action(async (ctx, idOrUrl: string) => {
        parseInput(SourceRefSchema, idOrUrl, "source id or url");
        const { catalog, db } = await ctx.services();
        const found = await catalog.get(idOrUrl);
        if (!found.source) throw new DbError("NOT_FOUND", `No source with id or url ${idOrUrl}.`);
        // What the last `kmcp acquire` of its url found (why it failed, say) is kept in PostgreSQL
        // only: shown when PostgreSQL answered, left out when the mirror did.
        const fetch = found.origin === "primary" ? await db.fetchStates.get(found.source.id) : null;
        if (ctx.json) return ctx.out.json({ ...found, fetch });
        noteOrigin(ctx, found);
        printSource(ctx, found.source, fetch);
      }),
    );

  sources
    .command("update <id>")
    .description("Change fields of a source")
    .option("--title <title>", "title")
    .option("--url <url>", "url")
    .addOption(typeOption())
    .addOption(tierOption())
    .addOption(statusOption())
    .option("--description <text>", "description")
    .action(
      action(async (ctx, id: string, flags: SourceFlags) => {
        const patch = parseInput(SourceUpdateSchema, withoutUndefined(sourceFields(flags)), "source update");
        const { db } = await ctx.services();
        const source = await db.sources.update(id, patch);
        if (ctx.json) return ctx.out.json(source);
        ctx.out.line(`Updated ${source.id}`);
      }),
    );

  sources
    .command("archive <id>")
    .description("Mark a source archived: it is kept and still listed (`sources list --status archived`), but never searched")
    .action(
      action(async (ctx, id: string) => {
        parseInput(IdSchema, id, "source id");
        const { db } = await ctx.services();
        const source = await db.sources.archive(id);
        if (ctx.json) return ctx.out.json(source);
        ctx.out.line(`Archived ${source.id}`);
      }),
    );

  sources
    .command("remove <id>")
    .description("Delete a source for good, with its ingested chunks (the next sync removes it from the mirror)")
    .action(
      action(async (ctx, id: string) => {
        parseInput(IdSchema, id, "source id");
        const { removeSource } = await ctx.services();
        const source = await removeSource(id);
        if (ctx.json) return ctx.out.json({ removed: source.id, url: source.url });
        ctx.out.line(`Removed ${source.id} ${source.url}`);
      }),
    );

  registerRefreshCommand(sources);

  sources
    .command("import <file>")
    .description("Import sources from JSON Lines or CSV (fields: url, title, sourceType, authorityTier, status, description); safe to re-run")
    .addOption(new Option("--format <format>", "file format (default: from the file name)").choices(["jsonl", "csv"]))
    .action(
      action(async (ctx, file: string, flags: { format?: "jsonl" | "csv" }) => {
        await access(file).catch((error: NodeJS.ErrnoException) => {
          throw new CoreError("VALIDATION", `Cannot read ${file}: ${error.code === "ENOENT" ? "no such file" : error.message}.`);
        });
        const { db } = await ctx.services();
        // Streamed: the bar follows bytes read against the file's size, labelled with rows done.
        const progress = ctx.out.progress("Importing");
        const report = await importSourceFile(db, file, {
          ...(flags.format ? { format: flags.format } : {}),
          onProgress: ({ rows, bytes, totalBytes }) => progress.update(bytes ?? rows, totalBytes, `${rows} rows`),
        });
        progress.done();
        if (ctx.json) ctx.out.json(report);
        else {
          ctx.out.line(`Imported ${file}: ${report.created} created, ${report.updated} updated, ${report.unchanged} unchanged, ${report.rejected.length} rejected.`);
          for (const bad of report.rejected) ctx.out.warn(`line ${bad.line}: ${bad.error}`);
        }
        if (report.rejected.length) throw new ExitError(EXIT.usage);
      }),
    );
}
