import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { closeServer, listenOnLoopback } from "./http.js";

/** One request the fixture site answered, in arrival order. */
export interface SiteRequest {
  path: string;
  status: number;
  /** The If-None-Match it carried (a conditional request). */
  ifNoneMatch: string | null;
  /** When it arrived (performance.now(), ms). */
  at: number;
}

export interface FixtureSiteOptions {
  /** Sections under /docs/, each with an index page and `pagesPerSection` pages. */
  sections?: number;
  pagesPerSection?: number;
  /** Added to every response (simulated network latency). */
  latencyMs?: number;
  /** robots.txt Crawl-delay in seconds (none when 0). */
  crawlDelaySeconds?: number;
  /** Extra body text per page (to make pages bigger). */
  paragraphs?: number;
  /** /docs/s0/busy.html answers 429 (Retry-After: 1) the first time (default true; a benchmark turns it off). */
  throttleOnce?: boolean;
}

export interface FixtureSite {
  base: string;
  /** The crawl's start URL: `${base}/docs/`. */
  start: string;
  /** Every request, in order. */
  requests: SiteRequest[];
  /** Most requests in flight at once, since the last reset. */
  maxInFlight(): number;
  /** Paths of the pages a crawl of /docs/ must store: in the folder, allowed, HTML, found by links, the sitemaps or llms.txt. */
  expectedPaths(): string[];
  /** Give a page new text (and a new ETag). */
  change(path: string, text: string): void;
  /** Make a page answer 404 from now on. */
  remove(path: string): void;
  /** Forget the request log and the in-flight peak. */
  reset(): void;
  close(): Promise<void>;
}

const sectionPath = (s: number) => `/docs/s${s}`;
const pagePath = (s: number, p: number) => `/docs/s${s}/p${p}.html`;
// Words per page, from the page's numbers, so each page has its own searchable text.
const WORDS = ["vacuum", "index", "replica", "schema", "cursor", "lock", "tuple", "planner", "buffer", "segment", "trigger", "sequence"];

/**
 * A generated documentation site on 127.0.0.1 for crawl tests and benchmarks: /docs/ with sections
 * and pages that all carry the same navigation and footer (links to every section, to /blog/ —
 * outside the folder —, to an external host, to a robots-disallowed /docs/private/ page, to a
 * PNG, to a page that 404s, fragments of the same page), a sitemap index (robots.txt names it)
 * listing two pages no link reaches, llms.txt listing a third, /docs/old.html redirecting to a
 * page, and /docs/s0/busy.html answering 429 with Retry-After the first time. Every request is
 * logged and in-flight requests counted.
 */
export async function startFixtureSite(options: FixtureSiteOptions = {}): Promise<FixtureSite> {
  const sections = options.sections ?? 4;
  const perSection = options.pagesPerSection ?? 10;
  const latency = options.latencyMs ?? 0;
  const paragraphs = options.paragraphs ?? 1;
  const requests: SiteRequest[] = [];
  const changed = new Map<string, { text: string; version: number }>();
  const removed = new Set<string>();
  let inFlight = 0;
  let peak = 0;
  let busyAnswered = options.throttleOnce === false;

  const nav = () =>
    `<nav><a href="/docs/">Docs home</a>${Array.from({ length: sections }, (_, s) => `<a href="${sectionPath(s)}/">Section ${s}</a>`).join("")}</nav>`;
  const footer = `<footer><a href="/blog/news.html">Blog</a> <a href="http://external.test/about">About us</a> <a href="https://external.test/x#y">Partner</a>
    <a href="/docs/private/secret.html">Staff</a> <a href="/docs/logo.png">Logo</a> <a href="/docs/missing.html">Old link</a>
    <a href="/docs/old.html">Old guide</a> <a href="#top">Top</a> <a href="mailto:docs@external.test">Mail</a> Copyright footer-only-phrase.</footer>`;
  const page = (title: string, body: string) =>
    `<!doctype html><html><head><title>${title}</title></head><body>${nav()}<main><article><h1>${title}</h1>${body}</article></main>${footer}</body></html>`;
  const prose = (seed: number) =>
    Array.from({ length: paragraphs }, (_, i) => {
      const w = (k: number) => WORDS[(seed * 7 + i * 3 + k) % WORDS.length];
      return `<p>Paragraph ${i} of page ${seed} explains the ${w(0)} and the ${w(1)}: how the ${w(2)} interacts with the ${w(3)} when the database is busy, why a ${w(4)} matters, and what to tune first.</p>`;
    }).join("");

  function content(path: string): { title: string; html: string } | null {
    if (path === "/docs/") {
      return { title: "Docs home", html: page("Docs home", `<p>Welcome to the documentation. Start with a section.</p>${prose(0)}`) };
    }
    const section = /^\/docs\/s(\d+)\/$/.exec(path);
    if (section && Number(section[1]) < sections) {
      const s = Number(section[1]);
      const links = Array.from({ length: perSection }, (_, p) => `<li><a href="p${p}.html">Page ${p}</a> <a href="p${p}.html#details">details</a></li>`).join("");
      const busy = s === 0 ? `<li><a href="busy.html">Busy page</a></li>` : "";
      return { title: `Section ${s}`, html: page(`Section ${s}`, `<p>Section ${s} of the docs.</p><ul>${links}${busy}</ul>`) };
    }
    const leaf = /^\/docs\/s(\d+)\/p(\d+)\.html$/.exec(path);
    if (leaf && Number(leaf[1]) < sections && Number(leaf[2]) < perSection) {
      const [s, p] = [Number(leaf[1]), Number(leaf[2])];
      const title = `Page ${s}.${p}`;
      const next = p + 1 < perSection ? `<a href="p${p + 1}.html">Next</a>` : "";
      return { title, html: page(title, `<p>Topic marker sect${s}page${p} for search.</p>${prose(s * 1000 + p)}${next}<a href="../s${(s + 1) % sections}/">Next section</a>`) };
    }
    const orphan = /^\/docs\/(orphan-a|orphan-b|from-llms)\.html$/.exec(path);
    if (orphan) return { title: `Hidden ${orphan[1]}`, html: page(`Hidden ${orphan[1]}`, `<p>Only a sitemap or llms.txt lists ${orphan[1]}.</p>${prose(7)}`) };
    if (path === "/docs/s0/busy.html") return { title: "Busy page", html: page("Busy page", `<p>The server asked to wait before serving this page.</p>${prose(9)}`) };
    if (path === "/docs/private/secret.html" || path === "/blog/news.html") return { title: "Never", html: page("Never", "<p>Must never be fetched.</p>") };
    return null;
  }

  function answer(req: IncomingMessage, res: ServerResponse, path: string): number {
    const send = (status: number, headers: Record<string, string | number>, body = "") => {
      res.writeHead(status, headers).end(body);
      return status;
    };
    if (path === "/robots.txt") {
      const delay = options.crawlDelaySeconds ? `Crawl-delay: ${options.crawlDelaySeconds}\n` : "";
      return send(200, { "content-type": "text/plain" }, `User-agent: *\nDisallow: /docs/private/\n${delay}\nSitemap: /sitemap-index.xml\n`);
    }
    if (path === "/sitemap-index.xml") {
      const entries = ["/sitemaps/a.xml", "/sitemaps/b.xml"].map((s) => `<sitemap><loc>${s}</loc></sitemap>`).join("");
      return send(200, { "content-type": "application/xml" }, `<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">${entries}</sitemapindex>`);
    }
    if (path === "/sitemaps/a.xml" || path === "/sitemaps/b.xml") {
      const urls = path.endsWith("a.xml") ? ["/docs/", "/docs/orphan-a.html", pagePath(0, 0), "/blog/news.html"] : ["/docs/orphan-b.html", "http://external.test/page"];
      const body = urls.map((u) => `<url><loc>${u.startsWith("http") ? u : `${base}${u}`}</loc></url>`).join("");
      return send(200, { "content-type": "application/xml" }, `<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">${body}</urlset>`);
    }
    if (path === "/llms.txt") return send(200, { "content-type": "text/plain" }, `# Docs\n\n> Fixture docs.\n\n## Pages\n\n- [Hidden](/docs/from-llms.html): only here\n- [External](http://external.test/llms)\n`);
    if (path === "/docs/old.html") return send(301, { location: pagePath(0, 1) });
    // Like any web server, a folder without its slash redirects to it (relative links need it).
    if (path === "/docs" || /^\/docs\/s\d+$/.test(path)) return send(301, { location: `${path}/` });
    if (path === "/docs/logo.png") return send(200, { "content-type": "image/png" }, "\x89PNG fake");
    if (path === "/docs/s0/busy.html" && !busyAnswered) {
      busyAnswered = true;
      return send(429, { "retry-after": "1" }, "slow down");
    }
    if (removed.has(path)) return send(404, { "content-type": "text/plain" }, "gone");
    const found = content(path);
    if (!found) return send(404, { "content-type": "text/plain" }, "not found");
    const edit = changed.get(path);
    const etag = `"v${edit?.version ?? 0}"`;
    if (req.headers["if-none-match"] === etag) return send(304, { etag });
    const html = edit ? found.html.replace("</article>", `<p>${edit.text}</p></article>`) : found.html;
    return send(200, { "content-type": "text/html; charset=utf-8", etag }, html);
  }

  const server = createServer((req, res) => {
    const at = performance.now();
    inFlight++;
    peak = Math.max(peak, inFlight);
    const path = new URL(req.url ?? "/", "http://x").pathname;
    const respond = () => {
      const status = answer(req, res, path);
      requests.push({ path, status, ifNoneMatch: (req.headers["if-none-match"] as string | undefined) ?? null, at });
    };
    res.on("close", () => inFlight--);
    if (latency > 0) setTimeout(respond, latency);
    else respond();
  });
  const base = await listenOnLoopback(server);

  return {
    base,
    start: `${base}/docs/`,
    requests,
    maxInFlight: () => peak,
    expectedPaths() {
      const paths = ["/docs", "/docs/orphan-a.html", "/docs/orphan-b.html", "/docs/from-llms.html", "/docs/s0/busy.html"];
      for (let s = 0; s < sections; s++) {
        paths.push(sectionPath(s));
        for (let p = 0; p < perSection; p++) paths.push(pagePath(s, p));
      }
      return paths.filter((p) => !removed.has(p)).sort();
    },
    change(path, text) {
      changed.set(path, { text, version: (changed.get(path)?.version ?? 0) + 1 });
    },
    remove(path) {
      removed.add(path);
    },
    reset() {
      requests.length = 0;
      peak = inFlight;
    },
    close: () => closeServer(server),
  };
}
