import { AcquireError, fetchDocument, RobotsCache, type FetchOptions } from "@kmcp/acquire";
import { SourceUrlSchema, type AcquireSourceOptions, type Logger, type Source, type SourceCreateInput, type SyncReport } from "@kmcp/core";
import type { ChromaStore } from "@kmcp/chroma-store";
import type { Db } from "@kmcp/db";
import { detectDocumentKind, type DocumentKind, ExtractError, extractDocument, charsetOf } from "@kmcp/extract";
import { INGEST_DEFAULTS, type IngestedDocument, type Ingester } from "@kmcp/search";
import type { OfflineSyncManager } from "@kmcp/sync-core";

/** `title` of the source: default, the document's own title, else the url. */
export interface AcquireOptions extends AcquireSourceOptions {
  /** Called after each step of the pipeline (for progress reports); awaited. */
  onStep?: (step: AcquireStep) => void | Promise<void>;
}

/** The pipeline's steps, in order. */
export const ACQUIRE_STEPS = ["fetched", "extracted", "ingested", "synced"] as const;
export type AcquireStep = (typeof ACQUIRE_STEPS)[number];

export interface AcquireResult {
  /** The source's url (the one asked for, normalised). */
  url: string;
  /** The url after redirects. */
  finalUrl: string;
  redirects: string[];
  sourceId: string;
  sourceCreated: boolean;
  title: string;
  /** `not_modified`: the server answered 304 to the conditional request, and nothing was written. */
  outcome: "not_modified" | IngestedDocument["outcome"];
  kind: DocumentKind | null;
  chunks: number;
  /** The sync that makes the source searchable; null when it failed or nothing changed. */
  sync: SyncReport | null;
}

/** What acquiring a url and crawling a site both need, besides PostgreSQL and their chunk writer. */
export interface FetchingDeps {
  /** Run after the writes, so the source is searchable (its failure is logged: the next sync catches up). */
  sync: Pick<OfflineSyncManager, "syncSources">;
  /** Checked before anything is fetched: acquiring writes chunks, so with Chroma down nothing is fetched or written. */
  store: Pick<ChromaStore, "heartbeat">;
  logger: Logger;
  /** KMCP_ACQUIRE_ALLOW_PRIVATE: allow loopback and private addresses. */
  allowPrivate: boolean;
  /** Test seams and limits passed to fetchDocument. */
  fetchOptions?: Omit<FetchOptions, "etag" | "lastModified" | "robots" | "allowPrivate" | "accept" | "followRedirect">;
}

export interface AcquireDeps extends FetchingDeps {
  db: Pick<Db, "sources" | "fetchStates">;
  ingester: Ingester;
}

/**
 * Acquire a url: fetch it safely (conditionally, when an earlier fetch left an ETag or
 * Last-Modified), detect and extract it, ingest it (new chunks written before old ones are
 * removed), and keep the source up to date: `active` with `lastCrawledAt` on success, `failed`
 * with the reason (in its fetch state) when the url cannot be fetched or read. A 304 writes nothing.
 * PostgreSQL is read first and Chroma checked: when either is down, nothing is fetched and nothing written.
 * @throws {AcquireError} {ExtractError} for the url (after marking its source failed); DbError,
 *   ChromaStoreError, SearchError pass through.
 */
export function createAcquire(deps: AcquireDeps) {
  const { db, ingester, sync, logger } = deps;
  const robots = new RobotsCache();

  return async (rawUrl: string, options: AcquireOptions = {}): Promise<AcquireResult> => {
    const parsed = SourceUrlSchema.safeParse(rawUrl);
    if (!parsed.success) throw new AcquireError("VALIDATION", `${JSON.stringify(rawUrl)} is not an http(s) URL kmcp can store.`);
    const url = parsed.data;
    if (!/^https?:/i.test(url)) throw new AcquireError("VALIDATION", `${url} is not an http(s) URL; use \`kmcp ingest\` for files.`);
    // Read first: with PostgreSQL or Chroma down this fails at once, before any fetch or write.
    const existing = await db.sources.get(url);
    const state = existing ? await db.fetchStates.get(existing.id) : null;
    await deps.store.heartbeat();
    const step = async (name: AcquireStep) => options.onStep?.(name);

    let fetched: Awaited<ReturnType<typeof fetchDocument>>;
    let kind: DocumentKind | null = null;
    let extracted: Awaited<ReturnType<typeof extractDocument>>;
    try {
      fetched = await fetchDocument(url, {
        ...deps.fetchOptions,
        allowPrivate: deps.allowPrivate,
        robots,
        etag: existing ? state?.etag : null,
        lastModified: existing ? state?.lastModified : null,
      });
      if (fetched.notModified) {
        if (!existing) throw new AcquireError("HTTP", `${url} answered 304 Not Modified to a request that was not conditional.`);
        return {
          url,
          finalUrl: fetched.finalUrl,
          redirects: fetched.redirects,
          sourceId: existing.id,
          sourceCreated: false,
          title: existing.title,
          outcome: "not_modified",
          kind: null,
          chunks: 0,
          sync: null,
        };
      }
      await step("fetched");
      kind = detectDocumentKind({ bytes: fetched.bytes, contentType: fetched.contentType, fileName: new URL(fetched.finalUrl).pathname });
      if (kind === null) throw new ExtractError("UNSUPPORTED", `${fetched.finalUrl} is not a document kmcp reads (${fetched.contentType ?? "no content type"}).`);
      extracted = await extractDocument({ bytes: fetched.bytes, kind, charset: charsetOf(fetched.contentType), url: fetched.finalUrl });
    } catch (error) {
      if (error instanceof AcquireError || error instanceof ExtractError) {
        if (error.code !== "VALIDATION") await markFailed(existing, url, options, error.message);
      }
      throw error;
    }

    await step("extracted");
    const document = await ingester.ingestDocument(
      {
        url,
        content: extracted.markdown,
        format: extracted.kind === "pdf" || extracted.kind === "text" ? "text" : "markdown",
        ...(options.title ? { title: options.title } : extracted.title ? { title: extracted.title.slice(0, 300) } : {}),
        pages: extracted.pages,
      },
      { ...(options.sourceType ? { sourceType: options.sourceType } : {}), ...(options.authorityTier ? { authorityTier: options.authorityTier } : {}) },
    );
    await db.sources.update(document.sourceId, { status: "active", lastCrawledAt: new Date() });
    await db.fetchStates.record({
      sourceId: document.sourceId,
      finalUrl: fetched.finalUrl,
      etag: fetched.etag,
      lastModified: fetched.lastModified,
      contentType: fetched.contentType,
    });
    await step("ingested");
    const synced = await sync.syncSources().catch((error: Error) => {
      logger.warn("acquired, but the sync that makes the source searchable failed; the next sync will", { error: error.message });
      return null;
    });
    await step("synced");
    return {
      url,
      finalUrl: fetched.finalUrl,
      redirects: fetched.redirects,
      sourceId: document.sourceId,
      sourceCreated: document.sourceCreated,
      title: document.title,
      outcome: document.outcome,
      kind,
      chunks: document.chunks,
      sync: synced,
    };
  };

  /** The source for `url` marked failed with `reason` (created as failed when there is none). */
  async function markFailed(existing: Source | null, url: string, options: AcquireOptions, reason: string): Promise<void> {
    try {
      const source =
        existing && existing.status !== "failed"
          ? await db.sources.update(existing.id, { status: "failed" })
          : (existing ??
            (await db.sources.create(newSource(url, options, "failed"))));
      await db.fetchStates.record({ sourceId: source.id, failureReason: reason });
    } catch (error) {
      logger.warn("could not record the failed acquisition", { url, error: (error as Error).message });
    }
  }
}

/** A source for `url` that acquiring or crawling it creates: the options given, else the url as its title and the ingest defaults. */
export function newSource(url: string, options: AcquireSourceOptions, status: "pending" | "failed"): SourceCreateInput {
  return {
    url,
    title: options.title ?? url.slice(0, 300),
    sourceType: options.sourceType ?? INGEST_DEFAULTS.sourceType,
    authorityTier: options.authorityTier ?? INGEST_DEFAULTS.authorityTier,
    status,
  };
}
