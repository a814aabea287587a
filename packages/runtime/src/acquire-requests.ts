import { isAcquireError } from "@kmcp/acquire";
import type { ChromaStore } from "@kmcp/chroma-store";
import { MAX_PAGE_SIZE, type AcquisitionRequest, type RequestTransitionInput } from "@kmcp/core";
import { DbError, type Db } from "@kmcp/db";
import { isExtractError } from "@kmcp/extract";
import type { AcquireResult, createAcquire } from "./acquire.js";

/** One request's acquisition: completed (with what was acquired) or failed (still approved, with the reason). */
export type RequestAcquisition =
  | { outcome: "completed"; request: AcquisitionRequest; acquired: AcquireResult }
  | { outcome: "failed"; request: AcquisitionRequest; reason: string };

export interface RequestAcquirerDeps {
  db: Pick<Db, "requests">;
  store: Pick<ChromaStore, "heartbeat">;
  acquire: ReturnType<typeof createAcquire>;
}

/**
 * Acquiring approved requests' urls. A request is completed, linked to its (now active) source,
 * only when its url was acquired; otherwise it stays approved (so running again retries) and its
 * source, if one was created, is `failed` with the reason.
 */
export function createRequestAcquirer(deps: RequestAcquirerDeps) {
  const { db, store, acquire } = deps;

  /**
   * Acquire one request's url and complete it; with `approve`, a pending request is approved first.
   * @throws {AcquireError} {ExtractError} when the url cannot be fetched or read (the request stays approved);
   *   DbError NOT_FOUND, INVALID_TRANSITION (not approved), and outages pass through.
   */
  async function acquireRequest(id: string, options: { approve?: boolean } = {}): Promise<{ request: AcquisitionRequest; acquired: AcquireResult }> {
    const found = await expectRequest(id);
    if (found.status !== "approved" && !(options.approve && found.status === "pending")) {
      throw new DbError("INVALID_TRANSITION", `Request ${id} is ${found.status}; only approved requests are acquired${found.status === "pending" ? " (approve it first)" : ""}.`, {
        data: { id, status: found.status },
      });
    }
    const approved = found.status === "approved" ? found : await db.requests.transition({ id, to: "approved" });
    const acquired = await acquire(approved.url);
    const request = await db.requests.transition({ id, to: "completed" } as RequestTransitionInput);
    return { request, acquired };
  }

  /**
   * Acquire the given approved requests, or all approved ones, one after the other; a url that
   * cannot be fetched or read fails its request only. Chroma and PostgreSQL are checked first:
   * with either down nothing is fetched or written.
   */
  async function acquireRequests(which: { ids: readonly string[] } | { all: true }): Promise<RequestAcquisition[]> {
    await store.heartbeat();
    const targets = "ids" in which ? await Promise.all(which.ids.map((id) => expectRequest(id))) : await approvedRequests();
    const results: RequestAcquisition[] = [];
    for (const target of targets) {
      try {
        results.push({ outcome: "completed", ...(await acquireRequest(target.id)) });
      } catch (error) {
        if (!isAcquireError(error) && !isExtractError(error)) throw error;
        results.push({ outcome: "failed", request: (await db.requests.get(target.id)) ?? target, reason: error.message });
      }
    }
    return results;
  }

  async function expectRequest(id: string): Promise<AcquisitionRequest> {
    const request = await db.requests.get(id);
    if (!request) throw new DbError("NOT_FOUND", `No request ${id}; list them with \`kmcp requests list\`.`, { data: { id } });
    return request;
  }

  async function approvedRequests(): Promise<AcquisitionRequest[]> {
    const all: AcquisitionRequest[] = [];
    let cursor: string | undefined;
    do {
      const page = await db.requests.list({ status: "approved", limit: MAX_PAGE_SIZE, ...(cursor ? { cursor } : {}) });
      all.push(...page.items);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    return all;
  }

  return { acquireRequest, acquireRequests };
}
