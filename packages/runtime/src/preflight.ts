import { AcquireError, DEFAULT_MAX_BYTES, isAcquireError, probeDocument, RobotsCache, type FetchOptions, type ProbeResult } from "@kmcp/acquire";
import { SourceUrlSchema, type CatalogSource } from "@kmcp/core";
import type { SourceCatalog } from "@kmcp/sync-core";

/** What acquiring the url would do: create a source, update the one it has, or nothing (and why). */
export type PreflightAction = "create" | "update" | "refuse";

export interface PreflightResult {
  url: string;
  /** Whether the rules let kmcp fetch it: http(s), a public address (unless private ones are allowed), robots.txt. */
  allowed: boolean;
  /** Whether it answered with a success; null when it was not tried (not allowed). */
  reachable: boolean | null;
  /** Why it is not allowed, not reachable, or would be refused; null when acquiring would go ahead. */
  reason: string | null;
  probe: Pick<ProbeResult, "finalUrl" | "redirects" | "status" | "method" | "contentType" | "contentLength" | "supported"> | null;
  /** The source already stored for this url (from PostgreSQL, or the mirror when it is down). */
  source: Pick<CatalogSource, "id" | "title" | "status" | "url"> | null;
  origin: "primary" | "mirror";
  asOf: Date | null;
  action: PreflightAction;
}

export interface PreflightDeps {
  catalog: Pick<SourceCatalog, "get">;
  /** KMCP_ACQUIRE_ALLOW_PRIVATE. */
  allowPrivate: boolean;
  fetchOptions?: Omit<FetchOptions, "etag" | "lastModified" | "robots" | "allowPrivate">;
}

/** The rules' refusals: the url may not be fetched at all. Other failures mean it may, but did not answer. */
const NOT_ALLOWED = new Set<string>(["VALIDATION", "FORBIDDEN_ADDRESS", "ROBOTS"]);

/**
 * Pure: what acquiring would do, given the probe (or the AcquireError it ended with) and the
 * source stored for the url.
 */
export function decideAcquisition(
  outcome: { probe: ProbeResult } | { error: AcquireError },
  source: PreflightResult["source"],
  maxBytes = DEFAULT_MAX_BYTES,
): Pick<PreflightResult, "allowed" | "reachable" | "reason" | "action"> {
  if ("error" in outcome) {
    const allowed = !NOT_ALLOWED.has(outcome.error.code);
    return { allowed, reachable: allowed ? false : null, reason: outcome.error.message, action: "refuse" };
  }
  const { probe } = outcome;
  const refuse = (reason: string) => ({ allowed: true, reachable: true, reason, action: "refuse" as const });
  if (!probe.supported) return refuse(`${probe.finalUrl} is ${probe.contentType}; kmcp reads HTML, PDF, Word (DOCX), Markdown and text.`);
  if (probe.contentLength !== null && probe.contentLength > maxBytes) {
    return refuse(`${probe.finalUrl} is ${probe.contentLength} bytes, over the ${maxBytes}-byte limit.`);
  }
  return { allowed: true, reachable: true, reason: null, action: source ? "update" : "create" };
}

/**
 * Preflight a url without storing anything: the stored source for it (catalog, so it answers from
 * the mirror when PostgreSQL is down), then a probe (HEAD or a one-byte GET) under the same rules
 * as acquiring (robots.txt read afresh each time), and what acquiring would do.
 * @throws {AcquireError} VALIDATION when the url is not a URL kmcp can store.
 */
export function createPreflight(deps: PreflightDeps) {
  return async (rawUrl: string): Promise<PreflightResult> => {
    const parsed = SourceUrlSchema.safeParse(rawUrl);
    if (!parsed.success) throw new AcquireError("VALIDATION", `${JSON.stringify(rawUrl)} is not a URL kmcp can store.`);
    const url = parsed.data;
    const found = await deps.catalog.get(url);
    const source = found.source ? { id: found.source.id, title: found.source.title, status: found.source.status, url: found.source.url } : null;
    let outcome: { probe: ProbeResult } | { error: AcquireError };
    try {
      outcome = { probe: await probeDocument(url, { ...deps.fetchOptions, allowPrivate: deps.allowPrivate, robots: new RobotsCache() }) };
    } catch (error) {
      if (!isAcquireError(error)) throw error;
      outcome = { error };
    }
    const probe = "probe" in outcome ? outcome.probe : null;
    return {
      url,
      ...decideAcquisition(outcome, source, deps.fetchOptions?.maxBytes),
      probe: probe && {
        finalUrl: probe.finalUrl,
        redirects: probe.redirects,
        status: probe.status,
        method: probe.method,
        contentType: probe.contentType,
        contentLength: probe.contentLength,
        supported: probe.supported,
      },
      source,
      origin: found.origin,
      asOf: found.asOf,
    };
  };
}
