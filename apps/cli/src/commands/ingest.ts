import path from "node:path";
import { DbError, isDbError } from "@kmcp/db";
import type { IngestRun } from "@kmcp/runtime";
import { INGEST_DEFAULTS, IngestOptionsSchema, type IngestReport } from "@kmcp/search";
import { Option, type Command } from "commander";
import { action, type CliContext } from "../context.js";
import { EXIT, ExitError } from "../exit-codes.js";
import { parseFlags, wholeNumber, withoutUndefined } from "./flags.js";
import { plural } from "./format.js";

interface IngestFlags {
  type?: string;
  tier?: string;
  baseUrl?: string;
  root?: string;
  maxChars?: string;
  overlap?: string;
  reset?: boolean;
}

/** Which flag fills which IngestOptions field, to name flags in validation messages. */
const FLAG_OF = {
  sourceType: "--type",
  authorityTier: "--tier",
  baseUrl: "--base-url",
  root: "--root",
  chunking: "--max-chars/--overlap",
  "chunking.maxChars": "--max-chars",
  "chunking.overlapChars": "--overlap",
};

export function registerIngestCommand(program: Command): void {
  program
    .command("ingest <paths...>")
    .summary("Ingest Markdown, text, HTML, PDF and Word files (files, folders or globs) so search finds them")
    .description(
      "Ingest Markdown (.md, .markdown, .mdx), text (.txt), HTML (.html, .htm), PDF (.pdf) and Word (.docx) files into search: files, folders (searched recursively) or glob patterns (quote them). " +
        "Each file becomes a source (created, or updated by url) and its chunks; a PDF's chunks record their pages. Re-running on unchanged files writes nothing. " +
        "A file that cannot be read (damaged, encrypted, no text, a name that lies about its content) is reported and skipped, and the others are ingested (exit 1). Needs PostgreSQL.",
    )
    .addOption(new Option("--type <type>", `type of the sources it creates, or sets on existing ones (default for new: ${INGEST_DEFAULTS.sourceType})`))
    .addOption(new Option("--tier <tier>", `authority tier of the sources it creates, or sets on existing ones (default for new: ${INGEST_DEFAULTS.authorityTier})`))
    .option("--base-url <url>", "where the files are published: a file's url becomes this + its path relative to --root (default: file:// urls)")
    .option("--root <dir>", "the folder paths, globs and --base-url are relative to (default: the current folder)")
    .option("--max-chars <n>", "largest chunk, in characters (200 to 20000; default 1500)")
    .option("--overlap <n>", "characters a chunk repeats from the one before (less than half of --max-chars; default 200)")
    .option("--reset", "if the stored chunks were made by another embedder, delete them all (every source's, not only these files') and ingest with the configured one")
    .addHelpText(
      "after",
      "\nExamples:\n  kmcp ingest docs/\n  kmcp ingest 'guides/**/*.md' --type documentation --tier tier_1_canonical\n  kmcp ingest guide --root site --base-url https://docs.example.com/   # site/guide/install.md -> https://docs.example.com/guide/install.md",
    )
    .action(
      action(async (ctx, paths: string[], flags: IngestFlags) => {
        const chunking = withoutUndefined({ maxChars: wholeNumber("--max-chars", flags.maxChars), overlapChars: wholeNumber("--overlap", flags.overlap) });
        const options = parseFlags(
          IngestOptionsSchema,
          withoutUndefined({
            sourceType: flags.type,
            authorityTier: flags.tier,
            baseUrl: flags.baseUrl,
            root: flags.root,
            chunking: Object.keys(chunking).length ? chunking : undefined,
          }),
          "ingest options",
          FLAG_OF,
        );
        const services = await ctx.services();
        const progress = ctx.out.progress("Ingesting");
        let done = 0;

        let result: IngestRun;
        try {
          result = await services.ingest(paths, {
            ...options,
            reset: flags.reset === true,
            onProgress: (p) => {
              done = p.done;
              progress.update(p.done, p.total);
            },
          });
        } catch (error) {
          throw explain(error, done);
        } finally {
          if (done > 0) progress.done();
        }

        const { report, sync, reset } = result;
        if (reset && !ctx.json) ctx.out.warn(`--reset: removed all ${reset.chunksRemoved} chunks embedded by ${reset.previousEmbedder ?? "another embedder"}; ingest your other documents again too.`);
        if (!sync) ctx.out.warn("Ingested, but the sync that makes new and changed sources searchable failed; run `kmcp sync run` (until then search leaves them out).");
        if (ctx.json) {
          ctx.out.json({ documents: report.documents, failed: report.failed, totals: report.totals, sync, ...(reset ? { reset } : {}) });
        } else {
          printReport(ctx, report);
          for (const failure of report.failed) ctx.out.warn(`skipped ${path.relative(process.cwd(), failure.path) || failure.path}: ${failure.reason}`);
        }
        if (report.failed.length > 0) throw new ExitError(EXIT.failure);
      }),
    );
}

/** PostgreSQL down: say that ingesting needs it (to create sources), and what was done. */
function explain(error: unknown, done: number): unknown {
  if (!isDbError(error) || (error.code !== "UNREACHABLE" && error.code !== "TIMEOUT")) return error;
  const what = done > 0 ? `Ingested ${plural(done, "document")}, then stopped` : "Nothing was ingested";
  const again = done > 0 ? " (documents already done are skipped as unchanged)" : "";
  return new DbError(
    error.code,
    `${what}: PostgreSQL is unreachable, and ingesting needs it to create and update the documents' sources. Start it (\`kmcp up\`) or check DATABASE_URL, then run the same ingest again${again}.`,
    { cause: error },
  );
}

function printReport(ctx: CliContext, report: IngestReport) {
  const cwd = process.cwd();
  ctx.out.table(
    ["FILE", "OUTCOME", "CHUNKS", "SOURCE"],
    report.documents.map((d) => [
      d.path ? path.relative(cwd, d.path) || d.path : d.url,
      d.outcome,
      String(d.chunks),
      `${d.sourceId.slice(0, 8)}${d.sourceCreated ? " (new)" : ""}`,
    ]),
  );
  const t = report.totals;
  ctx.out.line(
    `${plural(report.documents.length, "document")}: ${t.added} added, ${t.replaced} replaced, ${t.unchanged} unchanged${t.empty ? `, ${t.empty} empty` : ""}; ` +
      `${plural(t.chunksWritten, "chunk")} written, ${t.chunksRemoved} removed; ${plural(t.sourcesCreated, "source")} created` +
      `${report.failed.length ? `; ${plural(report.failed.length, "file")} could not be read` : ""}.`,
  );
}
