import { DEFAULT_FUSION } from "@kmcp/search";

/** `kmcp-mcp --help`: the flags and every environment variable the server reads. */
export function helpText(version: string): string {
  return `kmcp-mcp ${version}: kmcp's MCP server (a knowledge base for AI assistants that keeps answering when its database does not)

Usage: kmcp-mcp [--http [--host <host>] [--port <port>]]

With no flag it speaks MCP over stdio (stdout carries only the protocol; logs go to stderr).
To configure a client, run \`kmcp mcp-config --client claude-desktop|claude-code|cursor|http\`.

Options:
  --http           serve Streamable HTTP at http://<host>:<port>/mcp instead of stdio (with /metrics, /healthz, /readyz)
  --host <host>    address to bind with --http (default 127.0.0.1; any other needs KMCP_MCP_TOKEN)
  --port <port>    port to listen on with --http (default 3333; 0 picks a free one)
  -h, --help       print this help
  -V, --version    print the version

Environment:
  DATABASE_URL               postgresql://user:password@host:port/db of your PostgreSQL (default: embedded, under KMCP_HOME)
  CHROMA_URL                 http://host:port of your Chroma server, or https://api.trychroma.com (default: embedded, under KMCP_HOME)
  CHROMA_API_KEY             Chroma Cloud's API key, sent as x-chroma-token (never shown); with it the limits below default to Cloud's quotas
  CHROMA_TENANT, CHROMA_DATABASE
                             Chroma tenant and database (default: the API key's own; without a key default_tenant, default_database)
  KMCP_CHROMA_MAX_BATCH, KMCP_CHROMA_MAX_RESULTS, KMCP_CHROMA_MAX_CONCURRENCY
                             most records per Chroma write, results per read, requests in flight per collection (default: unbounded; 300, 300, 10 with an API key)
  KMCP_HOME                  where the embedded servers keep their data (default ~/.kmcp; /var/lib/kmcp for root)
  KMCP_MCP_TOKEN             a static bearer token HTTP clients may send (16+ characters; off loopback this or OAuth is required)
  KMCP_MCP_OAUTH_ISSUER      accept OAuth 2.1 JWT access tokens from this issuer too (https; http only on loopback)
  KMCP_MCP_OAUTH_JWKS_URL    the issuer's signing keys (JWKS), on the issuer's own origin
  KMCP_MCP_OAUTH_RESOURCE    this server's public MCP URL, e.g. https://kmcp.example.com/mcp (served as protected-resource metadata)
  KMCP_MCP_OAUTH_AUDIENCE    the aud tokens must carry (default: KMCP_MCP_OAUTH_RESOURCE)
  KMCP_MCP_OAUTH_READ_SCOPE  a scope every OAuth token must carry (default: none)
  KMCP_MCP_OAUTH_WRITE_SCOPE a scope needed for knowledge_request, knowledge_sync run and knowledge_acquire (default: none)
  KMCP_MCP_ALLOWED_ORIGINS   comma-separated browser origins allowed besides loopback ones
  KMCP_MCP_ALLOW_ACQUIRE     1: list knowledge_acquire, so assistants may fetch and ingest urls themselves (default 0: they ask with knowledge_request)
  KMCP_ACQUIRE_ALLOW_PRIVATE 1: preflight and acquisition may fetch from loopback, private and link-local addresses (default 0)
  KMCP_INGEST_THREADS        worker threads that extract, chunk and embed the pages a crawl fetches (default: the cores less two, 0 to 4; 0: all in the main thread)
  KMCP_REFRESH_INTERVAL      e.g. 24h: re-crawl crawled sites older than this, this often (conditional requests); off when unset
  KMCP_CRAWL_MAX_AGE         crawled sites' age after which health warns (default 7d)
  KMCP_LOG_LEVEL             debug, info, warn (default), error, silent; JSON lines on stderr
  KMCP_SYNC_INTERVAL_MS      background sync interval, the safety net under notifications (default 30000)
  KMCP_SYNC_NOTIFY           on (default): sync as soon as PostgreSQL notifies a change; off: the interval alone (e.g. behind PgBouncer in transaction mode)
  KMCP_SYNC_DEBOUNCE_MS      how long a notified change waits for the rest of its burst before the sync (default 20)
  KMCP_MIRROR_MAX_AGE_MS     mirror age after which health warns (default 3600000)
  KMCP_READ_CACHE            on (default) or off: reuse source reads while a per-read version check shows nothing changed
  KMCP_EMBEDDER              local (default: built in, offline, matches words) or openai (an OpenAI-compatible server)
  KMCP_EMBEDDING_URL, KMCP_EMBEDDING_MODEL, KMCP_EMBEDDING_API_KEY, KMCP_EMBEDDING_DIMENSIONS, KMCP_EMBEDDING_BATCH_SIZE
                             the embedding server's settings, with KMCP_EMBEDDER=openai
  KMCP_SEARCH_TIER_WEIGHTS   search weight per authority tier, e.g. tier_1_canonical=1,tier_2_trusted=0.9,tier_3_community=0.8
  KMCP_SEARCH_FUSION         how hybrid search fuses keyword and vector results: scores (default: each list's scores over its best) or rrf (reciprocal ranks)
  KMCP_SEARCH_FUSION_K, KMCP_SEARCH_LEXICAL_WEIGHT, KMCP_SEARCH_VECTOR_WEIGHT
                             rrf's constant k (default ${DEFAULT_FUSION.k}) and the list weights (default ${DEFAULT_FUSION.weights.lexical} and ${DEFAULT_FUSION.weights.vector})
  KMCP_SEARCH_SOURCE_EVIDENCE
                             share of a result's relevance taken from its source's best other match, 0 to 1 (default ${DEFAULT_FUSION.sourceEvidence})
`;
}
