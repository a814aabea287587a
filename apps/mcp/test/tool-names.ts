/** The tools kmcp-mcp lists, sorted: what every transport's tools/list must answer. */
export const TOOL_NAMES = [
  "knowledge_preflight",
  "knowledge_request",
  "knowledge_requests",
  "knowledge_search",
  "knowledge_source",
  "knowledge_sources",
  "knowledge_stats",
  "knowledge_status",
  "knowledge_sync",
];
