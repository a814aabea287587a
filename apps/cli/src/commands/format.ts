import type { AcquisitionRequest, CatalogSource } from "@kmcp/core";
import type { SourceFetchState } from "@kmcp/db";
import type { Origin } from "@kmcp/sync-core";
import type { CliContext } from "../context.js";

export function printSources(ctx: CliContext, sources: CatalogSource[]) {
  ctx.out.table(
    ["ID", "TYPE", "TIER", "STATUS", "TITLE", "URL"],
    sources.map((s) => [s.id, s.sourceType, s.authorityTier, s.status, truncate(s.title, 40), s.url]),
  );
}

export function printSource(ctx: CliContext, source: CatalogSource, fetch: SourceFetchState | null) {
  const rows: [string, string][] = [
    ["id", source.id],
    ["url", source.url],
    ["title", source.title],
    ["type", source.sourceType],
    ["tier", source.authorityTier],
    ["status", source.status],
    ["description", source.description ?? "-"],
    ["updated", source.updatedAt.toISOString()],
    ["last crawled", source.lastCrawledAt?.toISOString() ?? "never"],
  ];
  if (fetch) rows.push(["last fetch", `${fetch.fetchedAt.toISOString()}: ${fetch.failureReason ? `failed: ${fetch.failureReason}` : `ok${fetch.finalUrl && fetch.finalUrl !== source.url ? `, from ${fetch.finalUrl}` : ""}`}`]);
  for (const [key, value] of rows) ctx.out.line(`${ctx.out.dim(key.padEnd(13))}${value}`);
}

export function printRequests(ctx: CliContext, requests: Array<AcquisitionRequest & { pendingUpload?: true }>) {
  ctx.out.table(
    ["ID", "STATUS", "PRIORITY", "CREATED", "URL", "REASON"],
    requests.map((r) => [r.id, r.pendingUpload ? "pending upload" : r.status, String(r.priority), r.createdAt.toISOString(), r.url, truncate(r.reason, 50)]),
  );
}

/** Never silent about degraded answers: a mirror answer says so, on stderr. */
export function noteOrigin(ctx: CliContext, origin: Origin) {
  if (origin.origin === "mirror") {
    ctx.out.warn(`PostgreSQL is unreachable: answered from the mirror as of ${origin.asOf.toISOString()}.`);
  }
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** `1 document`, `3 documents`. */
export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}
