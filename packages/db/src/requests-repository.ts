import {
  decodeCursor,
  encodeCursor,
  IdSchema,
  invalidCursor,
  RequestCreateSchema,
  RequestListQuerySchema,
  RequestTransitionSchema,
  type AcquisitionRequest,
  type Page,
  type RequestCreateInput,
  type RequestListQuery,
  type RequestTransitionInput,
} from "@kmcp/core";
import type { RepositoryContext } from "./context.js";
import { DbError } from "./errors.js";
import type { Prisma } from "./generated/prisma/client.js";
import type { KmcpTransactionClient } from "./prisma-client.js";
import { assertTransition, requiredStatusFor } from "./request-transitions.js";
import { parseInput } from "./parse-input.js";

export interface RequestsRepository {
  /**
   * Creates a pending request. With a caller-supplied `id` a retry returns the request the
   * first call made; the same id with different content is a CONFLICT.
   */
  create(input: RequestCreateInput): Promise<AcquisitionRequest>;
  get(id: string): Promise<AcquisitionRequest | null>;
  /** Oldest first (the order they should be handled in), one page at a time. */
  list(query?: RequestListQuery): Promise<Page<AcquisitionRequest>>;
  /**
   * Moves a request: pending→approved, pending→rejected, approved→completed. Completing links
   * the Source with the request's url, creating it from `source` when there is none.
   * @throws DbError INVALID_TRANSITION (nothing changes), NOT_FOUND, VALIDATION.
   */
  transition(input: RequestTransitionInput): Promise<AcquisitionRequest>;
}

export function createRequestsRepository(ctx: RepositoryContext): RequestsRepository {
  const { prisma, run } = ctx;

  async function create(input: RequestCreateInput): Promise<AcquisitionRequest> {
    const data = parseInput(RequestCreateSchema, input, "acquisition request");
    if (!data.id) return run("create the request", () => prisma.acquisitionRequest.create({ data }));
    const id = data.id;
    // skipDuplicates makes the insert a no-op when the id exists, so a retry cannot fail
    // half-way or create a second row.
    const { count } = await run("create the request", () =>
      prisma.acquisitionRequest.createMany({ data: [data], skipDuplicates: true }),
    );
    const stored = await run("read the request", () => prisma.acquisitionRequest.findUniqueOrThrow({ where: { id } }));
    if (count === 0 && !sameRequest(stored, data)) {
      throw new DbError("CONFLICT", `Request id ${id} is already used by a different request; use a new id.`, {
        data: { id },
      });
    }
    return stored;
  }

  async function get(id: string): Promise<AcquisitionRequest | null> {
    const requestId = parseInput(IdSchema, id, "request id");
    return run("read the request", () => prisma.acquisitionRequest.findUnique({ where: { id: requestId } }));
  }

  async function list(query: RequestListQuery = {}): Promise<Page<AcquisitionRequest>> {
    const q = parseInput(RequestListQuerySchema, query, "request list query");
    const where: Prisma.AcquisitionRequestWhereInput = { status: q.status };
    if (q.cursor) {
      const [createdAt, id] = decodeCursor(q.cursor, 2) as [string, string];
      const at = new Date(createdAt);
      if (Number.isNaN(at.getTime()) || !IdSchema.safeParse(id).success) throw invalidCursor();
      where.OR = [{ createdAt: { gt: at } }, { createdAt: at, id: { gt: id } }];
    }
    const rows = await run("list requests", () =>
      prisma.acquisitionRequest.findMany({ where, orderBy: [{ createdAt: "asc" }, { id: "asc" }], take: q.limit + 1 }),
    );
    const items = rows.slice(0, q.limit);
    const last = items.at(-1);
    return {
      items,
      nextCursor: rows.length > q.limit && last ? encodeCursor([last.createdAt.toISOString(), last.id]) : null,
    };
  }

  async function transition(input: RequestTransitionInput): Promise<AcquisitionRequest> {
    const t = parseInput(RequestTransitionSchema, input, "request transition");
    const from = requiredStatusFor(t.to);
    return run(`mark request ${t.id} ${t.to}`, () =>
      prisma.$transaction(async (tx) => {
        // The status guard in the WHERE makes the move atomic: a concurrent move wins or loses whole.
        const moved = await tx.acquisitionRequest.updateMany({
          where: { id: t.id, status: from },
          data: { status: t.to, processedAt: new Date() },
        });
        const request = await tx.acquisitionRequest.findUnique({ where: { id: t.id } });
        if (!request) throw new DbError("NOT_FOUND", `No request with id ${t.id}.`, { data: { id: t.id } });
        if (moved.count === 0) assertTransition(t.id, request.status, t.to);
        if (t.to !== "completed") return request;
        const sourceId = await findOrCreateSource(tx, request, t.source);
        return tx.acquisitionRequest.update({ where: { id: t.id }, data: { sourceId } });
      }),
    );
  }

  return { create, get, list, transition };
}

async function findOrCreateSource(
  tx: KmcpTransactionClient,
  request: AcquisitionRequest,
  source: Extract<ReturnType<typeof RequestTransitionSchema.parse>, { to: "completed" }>["source"],
): Promise<string> {
  const existing = await tx.source.findUnique({ where: { url: request.url }, select: { id: true } });
  if (existing) return existing.id;
  if (!source) {
    throw new DbError(
      "VALIDATION",
      `No source exists for ${request.url} yet; give its title, sourceType and authorityTier to create it.`,
      { data: { field: "source" } },
    );
  }
  const created = await tx.source.create({ data: { ...source, url: request.url }, select: { id: true } });
  return created.id;
}

function sameRequest(stored: AcquisitionRequest, data: ReturnType<typeof RequestCreateSchema.parse>): boolean {
  return (
    stored.url === data.url &&
    stored.reason === data.reason &&
    stored.priority === data.priority &&
    (stored.requestedBy ?? null) === (data.requestedBy ?? null)
  );
}
