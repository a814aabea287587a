import { MAX_SEARCH_RESULTS, SearchQuerySchema, type SearchResponse, type SearchResult } from "@kmcp/search";
import { Option, type Command } from "commander";
import { action, type CliContext } from "../context.js";
import { parseFlags, wholeNumber, withoutUndefined } from "./flags.js";
import { noteOrigin, plural } from "./format.js";

interface SearchFlags {
  limit?: string;
  type?: string;
  tier?: string;
  status?: string;
  mode?: string;
  minScore?: string;
  perSource?: string;
  explain?: boolean;
}

const FLAG_OF = { query: "query", limit: "--limit", sourceType: "--type", authorityTier: "--tier", status: "--status", mode: "--mode", minScore: "--min-score", perSource: "--per-source" };

/** How much of a chunk's text is shown, and how wide its lines are. */
const EXCERPT_CHARS = 300;
const EXCERPT_WIDTH = 100;

export function registerSearchCommand(program: Command): void {
  program
    .command("search <query...>")
    .summary("Search the ingested documents (works while PostgreSQL is down)")
    .description(
      "Search the ingested documents: the chunks nearest the query, ranked by relevance × the source's authority-tier weight. " +
        "Reads only Chroma, so it works while PostgreSQL is down",
    )
    .option("--limit <n>", `how many results, 1 to ${MAX_SEARCH_RESULTS} (default 10)`)
    .addOption(new Option("--type <type>", "only sources of this type (website, documentation, standards_body, blog, repository)"))
    .addOption(new Option("--tier <tier>", "only sources of this authority tier (tier_1_canonical, tier_2_trusted, tier_3_community)"))
    .addOption(new Option("--status <status>", "only sources with this status (pending, active, failed; archived sources are never searched)"))
    .addOption(new Option("--mode <mode>", "hybrid (keywords + vectors, the default), lexical (keywords, BM25) or vector"))
    .option("--min-score <x>", "leave out results scoring below x (0 to 1)")
    .option("--per-source <n>", "at most n passages of one source (default 3)")
    .option("--explain", "show each result's keyword and vector ranks and the weights behind its score")
    .addHelpText("after", '\nExamples:\n  kmcp search how do I rotate TLS certificates\n  kmcp search "token bucket" --limit 3 --tier tier_1_canonical --json\n  kmcp search \'"ERR_REQUIRE_ESM"\' --mode lexical --explain')
    .action(
      action(async (ctx, words: string[], flags: SearchFlags) => {
        const query = parseFlags(
          SearchQuerySchema,
          withoutUndefined({
            query: words.join(" "),
            limit: wholeNumber("--limit", flags.limit),
            sourceType: flags.type,
            authorityTier: flags.tier,
            status: flags.status,
            mode: flags.mode,
            minScore: flags.minScore === undefined ? undefined : Number(flags.minScore),
            perSource: wholeNumber("--per-source", flags.perSource),
            explain: flags.explain,
          }),
          "search",
          FLAG_OF,
        );
        const { search, sync } = await ctx.services();
        if (ctx.json) return ctx.out.json(await search.search(query));
        // Search never asks PostgreSQL; the probe only says whether to label the metadata as the mirror's.
        const [response, online] = await Promise.all([search.search(query), sync.connectivity.probe().catch(() => true)]);
        if (response.emptyReason === "nothing_ingested") ctx.out.line("Nothing has been ingested yet: add documents with `kmcp ingest <paths...>`.");
        else if (response.emptyReason === "filtered") ctx.out.line(`No results for "${query.query}" with these filters. Try other words or fewer filters.`);
        else if (response.emptyReason) ctx.out.line(`No results for "${query.query}". Try other words.`);
        else printResults(ctx, response);
        if (!online) noteMirror(ctx, response);
      }),
    );
}

function printResults(ctx: CliContext, response: SearchResponse) {
  response.results.forEach((result, i) => {
    if (i > 0) ctx.out.line();
    printResult(ctx, result);
  });
  ctx.out.line();
  ctx.out.line(ctx.out.dim(`${plural(response.results.length, "result")} (score = relevance × tier weight; embedder ${response.embedder})`));
}

function printResult(ctx: CliContext, result: SearchResult) {
  const indent = " ".repeat(String(result.rank).length + 2);
  ctx.out.line(`${result.rank}. ${result.score.toFixed(3)}  ${ctx.out.bold(result.source.title)}`);
  ctx.out.line(`${indent}${ctx.out.dim(result.source.url)}${result.pages ? ` ${ctx.out.dim(`(${result.pages.includes("-") ? "pages" : "page"} ${result.pages})`)}` : ""}`);
  if (result.headingPath.length > 0) ctx.out.line(`${indent}${result.headingPath.join(" › ")}`);
  if (result.explain) ctx.out.line(`${indent}${ctx.out.dim(explainLine(result.explain))}`);
  for (const line of wrap(excerpt(result.text, EXCERPT_CHARS), EXCERPT_WIDTH - indent.length)) ctx.out.line(`${indent}${line}`);
}

/** The source metadata of every result comes from the mirror; with PostgreSQL down, say how fresh it is. */
function noteMirror(ctx: CliContext, response: SearchResponse) {
  if (response.mirrorAsOf) noteOrigin(ctx, { origin: "mirror", asOf: response.mirrorAsOf });
  else ctx.out.warn("PostgreSQL is unreachable: source titles, urls and filters come from the mirror, which has never completed a sync.");
}

/** Why a result ranks where it does, on one line. */
export function explainLine(e: NonNullable<SearchResult["explain"]>): string {
  const rank = (r: number | null) => (r === null ? "–" : `#${r}`);
  if (e.mode === "vector") return `vector mode: cosine × tier weight ${e.tierWeight}`;
  const fusion = e.method === "scores" ? "scores fused" : `RRF k=${e.k}`;
  const evidence = e.sourceEvidence > 0 ? `, source evidence ${e.sourceEvidence}` : "";
  return `${e.mode}: keyword rank ${rank(e.lexicalRank)}, vector rank ${rank(e.vectorRank)}, weights ${e.weights.lexical}/${e.weights.vector} (${fusion}${evidence}), tier weight ${e.tierWeight}`;
}

/** The text on one line, cut at a word boundary to about `max` characters. */
export function excerpt(text: string, max: number): string {
  const flat = text.replace(/\s+/g, " ").trim();
  if (flat.length <= max) return flat;
  const cut = flat.slice(0, max);
  const space = cut.lastIndexOf(" ");
  return `${(space > max * 0.6 ? cut.slice(0, space) : cut).replace(/[\s.,;:!?-]+$/, "")}…`;
}

/** Words filled into lines of at most `width` characters (a longer word gets a line to itself). */
export function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(" ")) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}
