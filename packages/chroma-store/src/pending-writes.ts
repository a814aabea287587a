import { readAllPages } from "@kmcp/core";
import { z } from "zod";
import type { GetAnswer } from "./chroma-rest.js";
import type { ChromaConnection, CollectionSpec } from "./connection.js";
import { ChromaStoreError } from "./errors.js";
import { EpochMsSchema } from "./mirror-record.js";
import { parseInput } from "./parse-input.js";
import { placeholderEmbedding } from "./placeholder-embedding.js";

/** A write accepted while PostgreSQL was unreachable, waiting to be replayed. */
export interface PendingWrite {
  /** The id the write will have in PostgreSQL; replaying under it makes the replay idempotent. */
  id: string;
  /** What kind of write, e.g. `acquisition_request`. */
  kind: string;
  /** The validated input, as JSON. */
  payload: unknown;
  /** When it was queued, epoch ms: replay order. */
  queuedAt: number;
}

export const PendingWriteInputSchema = z.strictObject({
  id: z.string().min(1).max(512),
  kind: z.string().min(1).max(100),
  payload: z.unknown(),
  queuedAt: EpochMsSchema.optional(),
});

/** Durable queue of writes in Chroma: it survives the process, and every kmcp process sees it. */
export interface PendingWrites {
  /** Queues a write. Idempotent by id: queuing the same id again keeps the first entry. */
  add(entry: z.input<typeof PendingWriteInputSchema>): Promise<PendingWrite>;
  /** Every queued write, oldest first. */
  list(): Promise<PendingWrite[]>;
  /** Drops a write once it has been applied. Unknown ids are ignored. */
  remove(id: string): Promise<void>;
  count(): Promise<number>;
}

const LIST_PAGE_SIZE = 1_000;

export function createPendingWrites(connection: ChromaConnection, spec: CollectionSpec): PendingWrites {
  const send = connection.recordsOf(spec);

  async function read(ids?: string[]): Promise<PendingWrite[]> {
    const page = async (args: { ids: string[] } | { limit: number; offset: number }) => {
      const result = await send<GetAnswer>("reading queued writes", "get", { ...args, include: ["metadatas", "documents"] });
      return result.ids.map((id, i) => decode(id, result.metadatas?.[i], result.documents?.[i], spec.name));
    };
    // Listed a page at a time: a server may cap one read's results (Chroma Cloud: 300).
    const writes = ids ? await page({ ids }) : await readAllPages((offset, limit) => page({ limit, offset }), Math.min(LIST_PAGE_SIZE, connection.limits.maxResults));
    return writes.sort((a, b) => a.queuedAt - b.queuedAt || (a.id < b.id ? -1 : 1));
  }

  return {
    async add(input) {
      const entry = parseInput(PendingWriteInputSchema, input, "queued write");
      const [existing] = await read([entry.id]);
      if (existing) return existing;
      const write: PendingWrite = { id: entry.id, kind: entry.kind, payload: entry.payload, queuedAt: entry.queuedAt ?? Date.now() };
      await send("queuing a write", "upsert", {
        ids: [write.id],
        embeddings: [placeholderEmbedding()],
        metadatas: [{ kind: write.kind, queuedAt: write.queuedAt }],
        documents: [JSON.stringify(write.payload ?? null)],
      });
      return write;
    },
    list: () => read(),
    async remove(id) {
      const ids = [parseInput(z.string().min(1), id, "queued write id")];
      await send("removing a queued write", "delete", { ids });
    },
    count: () => send<number>("counting queued writes", "count"),
  };
}

function decode(id: string, metadata: unknown, document: string | null | undefined, collection: string): PendingWrite {
  const meta = (metadata ?? {}) as Record<string, unknown>;
  try {
    if (typeof meta.kind !== "string" || typeof meta.queuedAt !== "number" || typeof document !== "string") throw new Error("missing fields");
    return { id, kind: meta.kind, queuedAt: meta.queuedAt, payload: JSON.parse(document) };
  } catch (error) {
    throw new ChromaStoreError("CORRUPT", `Queued write ${id} in ${collection} is unreadable (${(error as Error).message}); inspect or delete that record.`, {
      data: { id, collection },
    });
  }
}
