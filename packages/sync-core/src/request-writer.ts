import { randomUUID } from "node:crypto";
import { isChromaStoreError, type ChromaStore } from "@kmcp/chroma-store";
import {
  parseInput,
  RequestCreateSchema,
  RequestListQuerySchema,
  silentLogger,
  type AcquisitionRequest,
  type Logger,
  type RequestCreateInput,
  type RequestListQuery,
} from "@kmcp/core";
import type { Db } from "@kmcp/db";
import type { ConnectivityMonitor } from "./connectivity.js";
import { SyncError } from "./errors.js";
import { describeFailure, isPrimaryOutage } from "./failure.js";

const KIND = "acquisition_request";

/** A request accepted while PostgreSQL was down: shaped like a stored one, flagged as not uploaded yet. */
export type QueuedRequest = AcquisitionRequest & { pendingUpload: true };

export type CreateRequestResult =
  | { outcome: "created"; request: AcquisitionRequest }
  | { outcome: "queued"; request: QueuedRequest };

export interface ReplayResult {
  replayed: number;
  /** Still queued: PostgreSQL went away again during the replay. */
  remaining: number;
  /** Refused by PostgreSQL for a reason other than an outage; kept in the queue for a person to look at. */
  stuck: { id: string; error: string }[];
}

export interface RequestWriter {
  /**
   * Creates the request in PostgreSQL, or — when PostgreSQL is unreachable — queues it durably
   * in Chroma under its id and says so. Invalid input is refused either way and never queued.
   */
  create(input: RequestCreateInput): Promise<CreateRequestResult>;
  /** Requests waiting to be uploaded, oldest first. */
  pending(): Promise<QueuedRequest[]>;
  /**
   * A page of stored requests, plus — on the first page, when the status filter allows pending
   * ones — the requests still queued. While PostgreSQL is down only the queued ones can be
   * listed, and `storedUnavailable` says so; while Chroma is down only the stored ones, and
   * `queuedUnavailable` says so. With both down it throws Chroma's error.
   */
  list(query?: RequestListQuery): Promise<RequestListing>;
  /** Uploads queued requests in order; each exactly once, since replaying under the same id is idempotent. */
  replay(): Promise<ReplayResult>;
}

export interface RequestListing {
  items: AcquisitionRequest[];
  nextCursor: string | null;
  pendingUpload: QueuedRequest[];
  storedUnavailable: boolean;
  /** True when Chroma, which holds the queue, is unreachable: `pendingUpload` is empty for that reason. */
  queuedUnavailable: boolean;
}

type ParsedRequest = ReturnType<typeof RequestCreateSchema.parse> & { id: string };

export function createRequestWriter(options: {
  db: Db;
  store: ChromaStore;
  connectivity: ConnectivityMonitor;
  logger?: Logger;
  now?: () => number;
}): RequestWriter {
  const { db, store, connectivity } = options;
  const logger = options.logger ?? silentLogger;
  const now = options.now ?? Date.now;
  let replaying: Promise<ReplayResult> | undefined;

  function asQueued(payload: ParsedRequest, queuedAt: number): QueuedRequest {
    const at = new Date(queuedAt);
    return {
      id: payload.id,
      url: payload.url,
      reason: payload.reason,
      priority: payload.priority,
      requestedBy: payload.requestedBy ?? null,
      status: "pending",
      createdAt: at,
      updatedAt: at,
      processedAt: null,
      sourceId: null,
      pendingUpload: true,
    };
  }

  async function queue(request: ParsedRequest, cause: unknown): Promise<CreateRequestResult> {
    try {
      const write = await store.pendingWrites.add({ id: request.id, kind: KIND, payload: request, queuedAt: now() });
      logger.info("queued a request while PostgreSQL is unreachable", { id: request.id });
      // PostgreSQL came back while this was queued, after the replay its return started had listed the queue.
      if (connectivity.isOnline) void replay().catch(() => {});
      return { outcome: "queued", request: asQueued(write.payload as ParsedRequest, write.queuedAt) };
    } catch (error) {
      throw new SyncError(
        "UNAVAILABLE",
        `The request was NOT recorded: PostgreSQL is unreachable (${describeFailure(cause)}) and the local queue could not take it either (${describeFailure(error)}).`,
        { cause: error },
      );
    }
  }

  async function doReplay(): Promise<ReplayResult> {
    const result: ReplayResult = { replayed: 0, remaining: 0, stuck: [] };
    const seen = new Set<string>();
    let outage = false;
    let listed = 0;
    // Listed again until nothing new: a request that met the outage's end may be queued while this runs.
    while (!outage) {
      const writes = (await store.pendingWrites.list()).filter((w) => w.kind === KIND && !seen.has(w.id));
      if (writes.length === 0) break;
      listed += writes.length;
      for (const write of writes) {
        seen.add(write.id);
        try {
          await db.requests.create(write.payload as RequestCreateInput);
          await store.pendingWrites.remove(write.id);
          result.replayed += 1;
        } catch (error) {
          if (isPrimaryOutage(error)) {
            connectivity.reportFailure(error);
            outage = true;
            break;
          }
          result.stuck.push({ id: write.id, error: describeFailure(error) });
        }
      }
    }
    result.remaining = listed - result.replayed;
    if (result.replayed || result.stuck.length) logger.info("replayed queued requests", { ...result });
    return result;
  }

  async function pending(): Promise<QueuedRequest[]> {
    const writes = (await store.pendingWrites.list()).filter((w) => w.kind === KIND);
    return writes.map((w) => asQueued(w.payload as ParsedRequest, w.queuedAt));
  }

  function replay(): Promise<ReplayResult> {
    replaying ??= doReplay().finally(() => {
      replaying = undefined;
    });
    return replaying;
  }

  // Only when something is queued, as create() and start-up do: with Chroma down too the count
  // fails and there is nothing to say (`kmcp search` warned about the queue it could not read).
  connectivity.on("change", (state) => {
    if (state !== "online") return;
    void store.pendingWrites
      .count()
      .catch(() => 0)
      .then((queued) => (queued > 0 ? replay() : undefined))
      .catch((error: Error) => logger.warn("could not replay queued requests", { error: error.message }));
  });

  return {
    async create(input) {
      const parsed = parseInput(RequestCreateSchema, input, "acquisition request");
      // The id is fixed before the first attempt, so the queued copy and the stored one are the same request.
      const request: ParsedRequest = { ...parsed, id: parsed.id ?? randomUUID() };
      if (!connectivity.shouldTryPrimary()) return queue(request, new Error("PostgreSQL is known to be unreachable"));
      try {
        // Earlier queued requests go first, to keep the order they were made in.
        if ((await store.pendingWrites.count().catch(() => 0)) > 0) await replay().catch(() => {});
        const created = await db.requests.create(request);
        connectivity.reportSuccess();
        return { outcome: "created", request: created };
      } catch (error) {
        if (!connectivity.reportFailure(error)) throw error;
        return queue(request, error);
      }
    },
    pending,
    replay,
    async list(query = {}) {
      const q = parseInput(RequestListQuerySchema, query, "request list query");
      let page: { items: AcquisitionRequest[]; nextCursor: string | null } = { items: [], nextCursor: null };
      let storedUnavailable = false;
      try {
        page = await db.requests.list(q);
      } catch (error) {
        if (!connectivity.reportFailure(error)) throw error;
        storedUnavailable = true;
      }
      let pendingUpload: QueuedRequest[] = [];
      let queuedUnavailable = false;
      if (!q.cursor && (!q.status || q.status === "pending")) {
        try {
          // A replayed request keeps its queue entry until its insert is confirmed: in that window
          // it is listed once, as stored.
          const stored = new Set(page.items.map((request) => request.id));
          pendingUpload = (await pending()).filter((request) => !stored.has(request.id));
        } catch (error) {
          // The stored page answers on its own; with PostgreSQL down too there is nothing to list.
          if (storedUnavailable || !(isChromaStoreError(error, "UNREACHABLE") || isChromaStoreError(error, "TIMEOUT"))) throw error;
          queuedUnavailable = true;
        }
      }
      return { ...page, pendingUpload, storedUnavailable, queuedUnavailable };
    },
  };
}
