import { isChromaStoreError } from "@kmcp/chroma-store";
import { isSearchError, MAX_QUERY_LENGTH, MAX_SEARCH_RESULTS, SearchQuerySchema, type EmptyReason, type SearchResponse, type SearchResult } from "@kmcp/search";
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";
import type { ServerDeps } from "../deps.js";
import { SearchOutputShape } from "../output-schemas.js";
import { errorLine, fail, ok, safely } from "../tool-result.js";

const field = SearchQuerySchema.shape;

/**
 * The shared search query (@kmcp/search), with descriptions for the assistant. Strict, as the
 * shared schema is: an unknown argument is refused rather than silently ignored.
 */
export const KnowledgeSearchInput = z.strictObject({
  query: field.query.describe(
    `what to look for (up to ${MAX_QUERY_LENGTH} characters): keywords or a question; put exact identifiers, error codes, flags and phrases in double quotes ("ERR_REQUIRE_ESM", "--frozen-lockfile") to require them`,
  ),
  limit: field.limit.describe(`how many results to return (1-${MAX_SEARCH_RESULTS}, default 10)`),
  sourceType: field.sourceType.describe("only results from sources of this type"),
  authorityTier: field.authorityTier.describe("only results from sources of this authority tier (tier_1_canonical is the most authoritative)"),
  status: field.status.describe("only results from sources in this status (archived sources are never searched)"),
  mode: field.mode.describe("hybrid (default: keyword BM25 and vector rankings fused), lexical (keywords only) or vector (similarity only)"),
  minScore: field.minScore.describe("leave out results scoring below this (0-1, default 0)"),
  perSource: field.perSource.describe("at most this many passages from one source (default 3), so one long document does not fill the results"),
  explain: field.explain.describe("add each result's keyword rank, vector rank and weights (for debugging a ranking)"),
});

/** Search failures as one clear isError sentence; anything unexpected goes to `safely`. */
function searchFailure(error: unknown): CallToolResult {
  if (isSearchError(error, "EMBEDDER")) return fail(`Search failed: the query could not be embedded. ${errorLine(error)}`);
  if (isSearchError(error, "EMBEDDER_MISMATCH")) return fail(`Search cannot run: ${errorLine(error)}`);
  if (isSearchError(error, "VALIDATION")) return fail(errorLine(error));
  if (isChromaStoreError(error, "UNREACHABLE") || isChromaStoreError(error, "TIMEOUT")) {
    return fail(
      `Search is unavailable: the search index (Chroma) cannot be reached, so no documents can be searched right now. ${errorLine(error)}`,
    );
  }
  throw error;
}

const round = (n: number) => Math.round(n * 1000) / 1000;

function renderResult(r: SearchResult): string {
  // The outermost heading is usually the document's title, already in the citation.
  const headings = r.headingPath[0] === r.source.title ? r.headingPath.slice(1) : r.headingPath;
  const section = headings.length ? ` · section: ${headings.join(" › ")}` : "";
  const where = r.pages ? `${section} · ${r.pages.includes("-") ? "pages" : "page"} ${r.pages}` : section;
  return [
    `[${r.rank}] ${r.source.title} — ${r.source.url}`,
    `${r.source.sourceType}, ${r.source.authorityTier} · score ${round(r.score)} (relevance ${round(r.relevance)})${where} · chunk ${r.chunk.index + 1}/${r.chunk.count}${explained(r)}`,
    r.text.trim(),
  ].join("\n");
}

function explained(r: SearchResult): string {
  if (!r.explain) return "";
  const { mode, method, lexicalRank, vectorRank, weights, k, sourceEvidence, tierWeight } = r.explain;
  const fusion = method === "scores" ? "scores fused" : `k ${k}`;
  const evidence = sourceEvidence > 0 ? `, source evidence ${sourceEvidence}` : "";
  return ` · ${mode}: keyword rank ${lexicalRank ?? "none"}, vector rank ${vectorRank ?? "none"}, weights ${weights.lexical}/${weights.vector}, ${fusion}${evidence}, tier weight ${tierWeight}`;
}

function renderResults(response: SearchResponse): string {
  const asOf = response.mirrorAsOf ? `as of ${response.mirrorAsOf.toISOString()}` : "of unknown freshness";
  return (
    `${response.results.length} result(s), best first (score = relevance × authority tier weight; source details from the offline mirror ${asOf}). ` +
    `Cite the title and url of each result you use.\n\n` +
    response.results.map(renderResult).join("\n\n")
  );
}

export function registerKnowledgeSearchTool(server: McpServer, deps: ServerDeps): void {
  server.registerTool(
    "knowledge_search",
    {
      title: "Search the knowledge base's documents",
      description:
        "Search the text of documents ingested into the knowledge base (documentation, standards, blogs, repositories) for passages about a question or topic. " +
        "By default it fuses a keyword (BM25) ranking with a vector ranking, then weighs by the source's authority tier, so canonical sources win close calls. " +
        'Query with the distinctive words of the answer (keywords or a short question); put exact identifiers, error codes, flags or phrases in double quotes ("ERR_REQUIRE_ESM") to require them. ' +
        "Each result has the passage's text, its section headings and a citation (source title and url): show the user the citation of every passage you use. " +
        "Filter by sourceType, authorityTier or status. Works while the database is down (source details come from the offline mirror; see mirrorAsOf); archived sources never appear. " +
        "No results with nothing ingested yet: documents are added with `kmcp ingest`.",
      inputSchema: KnowledgeSearchInput,
      outputSchema: SearchOutputShape,
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    (input) =>
      safely(async () => {
        const { search } = await deps.kmcp.ready();
        let response: SearchResponse;
        try {
          response = await search.search(input);
        } catch (error) {
          return searchFailure(error);
        }
        if (response.results.length > 0) return ok(response, renderResults(response));

        // Nothing found: say why, so the assistant can tell the user what to do.
        const filters = (["sourceType", "authorityTier", "status"] as const).filter((k) => input[k] !== undefined).map((k) => `${k}=${input[k]}`);
        const why: Record<EmptyReason, string> = {
          nothing_ingested:
            " Nothing has been ingested into the knowledge base yet, so there is nothing to search. Documents (Markdown or text files, or folders of them) are added with `kmcp ingest <paths>`.",
          filtered: ` No ingested document matches the filters ${filters.join(", ")}; try again without them.`,
          not_searchable:
            " Documents are ingested, but none of their sources is searchable yet: a source must be in the offline mirror (run knowledge_sync with action=run after an ingest) and not archived.",
        };
        return ok(response, `No results for "${input.query}".${response.emptyReason ? why[response.emptyReason] : ""}`);
      }),
  );
}
