import { lookup as dnsLookup } from "node:dns/promises";
import type { LookupAddress } from "node:dns";
import { retryAfterMs } from "@kmcp/core";
import type { Agent, Dispatcher } from "undici";
import { ipLiteral, refusedAddress } from "./address.js";
import { type ConnectionPool, pinnedLookup } from "./connections.js";
import { AcquireError } from "./errors.js";
import { nextHop } from "./redirects.js";
import { header, readBody } from "./read-body.js";
import { RobotsCache, robotsAllow, type RobotsRules } from "./robots.js";
import { loadUndici, type Undici } from "./undici.js";

export const DEFAULT_MAX_BYTES = 20 * 1024 * 1024;
export const DEFAULT_USER_AGENT = "kmcp/0.1.0 (+https://github.com/kmcp/kmcp)";
/** The robots.txt token kmcp obeys (rules for `kmcp` or `*`). */
export const ROBOTS_AGENT = "kmcp";

/** Resolves a host name to all its addresses (default: dns.lookup with `all: true`). */
export type HostLookup = (hostname: string) => Promise<LookupAddress[]>;

export interface FetchOptions {
  /** Allow loopback, private and link-local addresses (a local test server, an intranet). Default false. */
  allowPrivate?: boolean;
  /** Host names that may resolve to private addresses even when allowPrivate is off (an intranet docs host). */
  allowHosts?: readonly string[];
  /** Largest body, counted after decompression (default 20 MB); refused while streaming. */
  maxBytes?: number;
  /** Whole fetch, redirects and body included (default 30 s). */
  timeoutMs?: number;
  /** Each TCP/TLS connect (default 10 s). */
  connectTimeoutMs?: number;
  /** Redirects followed (default 5). */
  maxRedirects?: number;
  userAgent?: string;
  /** Conditional request: the ETag and Last-Modified of the copy the caller has; 304 → notModified. */
  etag?: string | null;
  lastModified?: string | null;
  /** Obey robots.txt (default true). Pass a RobotsCache to share rules across fetches. */
  robots?: boolean | RobotsCache;
  /** Inject DNS (tests, custom resolvers); every address it returns is checked. */
  lookup?: HostLookup;
  /**
   * Asked before each redirect is followed (after the address and loop checks); false stops the
   * fetch with REDIRECTS (`data.notFollowed`, `data.location`). A crawler uses it not to fetch a
   * page it has already, or one outside its scope.
   */
  followRedirect?: (location: string) => boolean;
  /** Media types fetchDocument accepts (default ACCEPTED_CONTENT_TYPES); a crawler reading sitemaps adds XML. */
  accept?: readonly string[];
  /**
   * Keep connections open for the next fetches (a crawl): each hop is still vetted, and connects
   * through the pool's agent for its host and vetted address. Default: a connection per fetch.
   */
  connections?: ConnectionPool;
}

const defaultLookup: HostLookup = (hostname) => dnsLookup(hostname, { all: true, verbatim: true });

/** The media type of a Content-Type header, lower-cased, without parameters. */
export function mediaType(contentType: string | null): string | null {
  return contentType ? (contentType.split(";")[0] ?? "").trim().toLowerCase() : null;
}

/**
 * Throws HTTP for any status outside 2xx (the body is discarded); for 429 and 503, `data.retryAfterMs`
 * is how long the server asked to wait (Retry-After), when it said.
 */
export function refuseErrorStatus(response: Response, current: URL): void {
  const status = response.statusCode;
  if (status >= 200 && status < 300) return;
  response.body.resume();
  const wait = status === 429 || status === 503 ? retryAfterMs(new Headers(headerEntries(response.headers))) : undefined;
  throw new AcquireError("HTTP", `${current.href} answered HTTP ${status}.`, {
    data: { url: current.href, status, ...(wait === undefined ? {} : { retryAfterMs: wait }) },
  });
}

function headerEntries(headers: Response["headers"]): [string, string][] {
  return Object.entries(headers).flatMap(([name, value]) => (value === undefined ? [] : [[name, Array.isArray(value) ? value.join(", ") : value]]));
}

/** The final (non-redirect) response of a hop chain, with where it came from. */
export interface FinalHop {
  response: Response;
  start: URL;
  current: URL;
  /** Every URL before current, in order. */
  redirects: string[];
  settings: Hop["settings"];
}

/** How each hop is requested. */
export interface HopRequest {
  method: "GET" | "HEAD";
  /** Send the caller's ETag/Last-Modified. */
  conditional: boolean;
  headers?: Record<string, string>;
}

/**
 * The safe hop runner every request of this package goes through: each hop's host vetted and
 * pinned, robots.txt checked, redirects followed by hand; `onFinal` reads the final response
 * while the connection is still open.
 */
export async function followHops<T>(url: string, options: FetchOptions, how: HopRequest, onFinal: (final: FinalHop) => Promise<T>): Promise<T> {
  const settings = {
    maxBytes: options.maxBytes ?? DEFAULT_MAX_BYTES,
    timeoutMs: options.timeoutMs ?? 30_000,
    connectTimeoutMs: options.connectTimeoutMs ?? 10_000,
    maxRedirects: options.maxRedirects ?? 5,
    userAgent: options.userAgent ?? DEFAULT_USER_AGENT,
  };
  const start = parseUrl(url);
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), settings.timeoutMs);
  // Each vetted host name → the address it was vetted at; the agent connects there and nowhere else.
  const pinned = new Map<string, LookupAddress>();
  const undici = await loadUndici();
  const ownAgent = options.connections ? null : new undici.Agent({ connect: { timeout: settings.connectTimeoutMs, lookup: pinnedLookup((name) => pinned.get(name)) } });
  const robots = options.robots === false ? null : options.robots instanceof RobotsCache ? options.robots : new RobotsCache();
  const hop: Hop = { undici, pinned, agent: ownAgent, signal: controller.signal, settings, options };
  try {
    const visited: string[] = [];
    let current = start;
    for (;;) {
      visited.push(current.href);
      await vetHost(current, hop);
      if (robots) await checkRobots(current, robots, hop);
      const response = await send(current, hop, how);
      if (response.statusCode >= 300 && response.statusCode < 400 && response.statusCode !== 304) {
        // Read to its end (a small body), so the connection is free for the next hop.
        await response.body.dump();
        const decision = nextHop(current, header(response.headers, "location") ?? undefined, visited, settings.maxRedirects);
        if (!decision.follow) throw new AcquireError("REDIRECTS", `Refused ${start.href}: ${decision.reason}.`, { data: { url: start.href, redirects: visited } });
        if (options.followRedirect && !options.followRedirect(decision.url.href)) {
          throw new AcquireError("REDIRECTS", `${current.href} redirects to ${decision.url.href}; not followed.`, {
            data: { url: start.href, redirects: visited, location: decision.url.href, notFollowed: true },
          });
        }
        current = decision.url;
        continue;
      }
      return await onFinal({ response, start, current, redirects: visited.slice(0, -1), settings });
    }
  } catch (error) {
    throw translate(error, start, controller.signal.aborted, settings, undici.errors);
  } finally {
    clearTimeout(timer);
    await ownAgent?.close().catch(() => undefined);
  }
}

interface Hop {
  undici: Undici;
  pinned: Map<string, LookupAddress>;
  /** This fetch's own agent; null when it goes through options.connections. */
  agent: Agent | null;
  signal: AbortSignal;
  settings: { maxBytes: number; timeoutMs: number; connectTimeoutMs: number; maxRedirects: number; userAgent: string };
  options: FetchOptions;
}

function parseUrl(url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new AcquireError("VALIDATION", `${JSON.stringify(url)} is not a URL; give an http(s) URL.`);
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    throw new AcquireError("VALIDATION", `${parsed.protocol} URLs are not fetched; give an http(s) URL.`);
  }
  if (parsed.username || parsed.password) throw new AcquireError("VALIDATION", "URLs with credentials are not fetched; remove the user:password@ part.");
  parsed.hash = "";
  return parsed;
}

/** Resolve the hop's host, refuse it if any address is not public (unless allowed), and pin the first. */
async function vetHost(url: URL, { pinned, options }: Hop): Promise<void> {
  const host = url.hostname.toLowerCase();
  const literal = ipLiteral(host);
  let addresses: LookupAddress[];
  if (literal) {
    addresses = [{ address: literal, family: literal.includes(":") ? 6 : 4 }];
  } else {
    try {
      addresses = await (options.lookup ?? defaultLookup)(host);
    } catch (error) {
      throw new AcquireError("UNREACHABLE", `${host} does not resolve (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}).`, { cause: error });
    }
    if (addresses.length === 0) throw new AcquireError("UNREACHABLE", `${host} does not resolve.`);
  }
  const refused = refusedAddress(host, addresses, options);
  if (refused) {
    const { address, reason } = refused;
    throw new AcquireError("FORBIDDEN_ADDRESS", `Refused ${url.href}: ${host}${literal ? "" : ` resolves to ${address}, which`} is ${reason}.`, {
      data: { url: url.href, host, address, reason },
    });
  }
  pinned.set(literal && literal.includes(":") ? `[${literal}]` : host, addresses[0] as LookupAddress);
  if (literal) pinned.set(literal, addresses[0] as LookupAddress);
}

async function send(url: URL, hop: Hop, how: HopRequest) {
  const { options, settings } = hop;
  const headers: Record<string, string> = {
    "user-agent": settings.userAgent,
    accept: "text/html, application/xhtml+xml, application/pdf, application/vnd.openxmlformats-officedocument.wordprocessingml.document, text/markdown, text/plain;q=0.9, */*;q=0.1",
    "accept-encoding": "gzip, deflate, br",
  };
  if (how.conditional && options.etag) headers["if-none-match"] = options.etag;
  if (how.conditional && options.lastModified) headers["if-modified-since"] = options.lastModified;
  Object.assign(headers, how.headers);
  const host = url.hostname.toLowerCase();
  const dispatcher = hop.agent ?? (await options.connections?.agentFor(host, hop.pinned.get(host) as LookupAddress, settings.connectTimeoutMs));
  return hop.undici.request(url, {
    method: how.method,
    dispatcher,
    headers,
    signal: hop.signal,
    headersTimeout: settings.timeoutMs,
    bodyTimeout: settings.timeoutMs,
  });
}

type Response = Dispatcher.ResponseData;

/**
 * The robots.txt rules of `url`'s origin, fetched once per cache with the same address rules as
 * any fetch (a crawler reads them for Crawl-delay before fetching). No robots.txt, or an
 * unreadable one: null (everything allowed).
 * @throws {AcquireError} FORBIDDEN_ADDRESS, VALIDATION.
 */
export function loadRobots(url: string | URL, options: FetchOptions, cache: RobotsCache): Promise<RobotsRules> {
  const origin = typeof url === "string" ? parseUrl(url).origin : url.origin;
  return cache.get(origin, async () => {
    try {
      const robotsOptions = { ...options, robots: false, etag: null, lastModified: null, maxBytes: 512 * 1024, timeoutMs: Math.min(options.timeoutMs ?? 30_000, 10_000) };
      return await followHops(`${origin}/robots.txt`, robotsOptions, { method: "GET", conditional: false }, async ({ response, current, settings }) => {
        refuseErrorStatus(response, current);
        return Buffer.from(await readBody(response, current, settings.maxBytes)).toString("utf8");
      });
    } catch (error) {
      // No robots.txt (404 ...) or an unreadable one: no rules. A forbidden address stays forbidden.
      if (error instanceof AcquireError && error.code === "FORBIDDEN_ADDRESS") throw error;
      return null;
    }
  });
}

/** robots.txt of the hop's origin (fetched with the same rules, cached), and the verdict on this URL. */
async function checkRobots(url: URL, cache: RobotsCache, hop: Hop): Promise<void> {
  const rules = await loadRobots(url, hop.options, cache);
  if (!robotsAllow(rules, url.href, ROBOTS_AGENT)) {
    throw new AcquireError("ROBOTS", `Refused ${url.href}: the site's robots.txt disallows it for ${ROBOTS_AGENT}.`, { data: { url: url.href } });
  }
}

function translate(error: unknown, start: URL, aborted: boolean, settings: Hop["settings"], undiciErrors: Undici["errors"]): unknown {
  if (error instanceof AcquireError) return error;
  if (aborted) {
    return new AcquireError("TIMEOUT", `${start.href} took longer than ${settings.timeoutMs} ms; gave up.`, { cause: error, data: { url: start.href } });
  }
  if (error instanceof undiciErrors.ConnectTimeoutError) {
    return new AcquireError("TIMEOUT", `Connecting to ${start.host} took longer than ${settings.connectTimeoutMs} ms.`, { cause: error, data: { url: start.href } });
  }
  if (error instanceof undiciErrors.HeadersTimeoutError || error instanceof undiciErrors.BodyTimeoutError) {
    return new AcquireError("TIMEOUT", `${start.href} took longer than ${settings.timeoutMs} ms; gave up.`, { cause: error, data: { url: start.href } });
  }
  const cause = (error as { cause?: unknown }).cause;
  if (cause instanceof AcquireError) return cause;
  const code = (error as NodeJS.ErrnoException).code ?? (cause as NodeJS.ErrnoException | undefined)?.code;
  return new AcquireError("UNREACHABLE", `Could not fetch ${start.href}: ${code ?? (error as Error).message}.`, { cause: error, data: { url: start.href } });
}
