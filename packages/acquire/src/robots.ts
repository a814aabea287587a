import robotsParserModule from "robots-parser";

interface Robot {
  isAllowed(url: string, ua?: string): boolean | undefined;
  getCrawlDelay(ua?: string): number | undefined;
  getSitemaps(): string[];
}
type RobotsParser = (url: string, robotstxt: string) => Robot;
// A CommonJS module whose types claim an ES default export: take the function wherever it is.
const robotsParser: RobotsParser =
  (robotsParserModule as unknown as { default?: RobotsParser }).default ?? (robotsParserModule as unknown as RobotsParser);

/** A site's robots.txt rules, or null when it has none (404, error): everything is allowed then. */
export type RobotsRules = Robot | null;

/** robots.txt per origin, kept for the life of the cache (one acquire run, one process). */
export class RobotsCache {
  private readonly rules = new Map<string, Promise<RobotsRules>>();

  /** The rules of `origin`, loaded once with `load` (concurrent callers share the load). */
  get(origin: string, load: () => Promise<string | null>): Promise<RobotsRules> {
    let pending = this.rules.get(origin);
    if (!pending) {
      pending = load().then((text) => (text === null ? null : robotsParser(`${origin}/robots.txt`, text)));
      this.rules.set(origin, pending);
    }
    return pending;
  }
}

/** Pure: whether `rules` let `userAgent` fetch `url` (no rules: yes). */
export function robotsAllow(rules: RobotsRules, url: string, userAgent: string): boolean {
  return rules?.isAllowed(url, userAgent) !== false;
}

/** Longest Crawl-delay obeyed; a site asking for more is crawled at this pace rather than for hours. */
export const MAX_CRAWL_DELAY_MS = 60_000;

/** Pure: the `Crawl-delay` `rules` set for `userAgent`, in milliseconds (capped at MAX_CRAWL_DELAY_MS); 0 when none. */
export function robotsCrawlDelayMs(rules: RobotsRules, userAgent: string): number {
  const seconds = rules?.getCrawlDelay(userAgent);
  return typeof seconds === "number" && Number.isFinite(seconds) && seconds > 0 ? Math.min(MAX_CRAWL_DELAY_MS, Math.round(seconds * 1000)) : 0;
}

/** Pure: the `Sitemap:` URLs robots.txt lists (none without rules). */
export function robotsSitemaps(rules: RobotsRules): string[] {
  return rules?.getSitemaps() ?? [];
}
