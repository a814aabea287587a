export { crawlSite } from "./crawl-site.js";
export type {
  CrawlCounts,
  CrawlInput,
  CrawlProgress,
  CrawlRun,
  CrawlSink,
  FetchedPage,
  FrontierPage,
  PageSettlement,
  StoreVerdict,
} from "./crawl-types.js";
export { scopeRules } from "./scope.js";
export type { OutOfScope, ScopeRules } from "./scope.js";
export { extractLinks } from "./links.js";
export { parseSitemap } from "./sitemap.js";
export type { SitemapEntries } from "./sitemap.js";
export { parseLlmsTxt } from "./llms-txt.js";
export { HostGate } from "./host-gate.js";
export type { HostGateOptions } from "./host-gate.js";
export { fetchVerdict } from "./fetch-verdict.js";
export type { FetchVerdict } from "./fetch-verdict.js";
