import { z } from "zod";
import { hideNulls, restoreNulls, type ChromaMetadata } from "./chroma-metadata.js";
import { ChromaStoreError } from "./errors.js";
import { EpochMsSchema } from "./mirror-record.js";

/** How fresh the mirror is, as the last sync left it; all null before the first sync. */
export interface SyncState {
  /** Opaque position in PostgreSQL's change feed that the next sync resumes from. */
  checkpoint: string | null;
  /** The last sync's report, as written (sync-core defines its shape). */
  lastReport: unknown;
  /** When the state was written, epoch ms. */
  updatedAt: number | null;
}

/**
 * Arguments of writeSyncState(): the whole new state. `lastReport` must be JSON-serialisable
 * (it is stored as JSON text; Dates become strings) and defaults to null; `updatedAt` defaults to now.
 */
export const SyncStateInputSchema = z.strictObject({
  checkpoint: z.string().min(1).nullable(),
  lastReport: z.unknown().optional(),
  updatedAt: EpochMsSchema.optional(),
});

export type SyncStateInput = z.input<typeof SyncStateInputSchema>;

/** The state as one Chroma record: fields in metadata, the report as JSON in the document. */
export interface StoredSyncState {
  metadata: ChromaMetadata;
  document: string;
}

const FORMAT = 1;

const StoredMetadataSchema = z.object({
  format: z.literal(FORMAT),
  updatedAt: EpochMsSchema,
  checkpoint: z.string().min(1).nullable(),
});

/** The state before any sync has written one. */
export const EMPTY_SYNC_STATE: SyncState = Object.freeze({ checkpoint: null, lastReport: null, updatedAt: null });

/**
 * `input` as a Chroma record.
 * @throws {ChromaStoreError} `VALIDATION` when the report cannot be written as JSON.
 */
export function encodeSyncState(input: z.output<typeof SyncStateInputSchema>, now: number): StoredSyncState {
  let document: string | undefined;
  try {
    document = JSON.stringify(input.lastReport ?? null);
  } catch (error) {
    throw new ChromaStoreError("VALIDATION", `The sync report cannot be stored: it is not JSON-serialisable (${(error as Error).message}); pass plain data.`, {
      cause: error,
    });
  }
  if (document === undefined) {
    throw new ChromaStoreError("VALIDATION", "The sync report cannot be stored: JSON has no form for it (a function or symbol?); pass plain data.");
  }
  return {
    metadata: hideNulls({ format: FORMAT, updatedAt: input.updatedAt ?? now, checkpoint: input.checkpoint }, { checkpoint: "" }),
    document,
  };
}

/**
 * The SyncState held by a stored record (EMPTY_SYNC_STATE when there is none).
 * @throws {ChromaStoreError} `CORRUPT` when the record is not what encodeSyncState() writes.
 */
export function decodeSyncState(
  stored: { metadata: Record<string, unknown> | null | undefined; document: string | null | undefined } | undefined,
  collection: string,
): SyncState {
  if (!stored) return EMPTY_SYNC_STATE;
  const corrupt = (problem: string, cause?: unknown) =>
    new ChromaStoreError(
      "CORRUPT",
      `The sync state in Chroma collection ${collection} is unreadable (${problem}); delete that collection and run a full sync to rebuild it.`,
      { cause, data: { collection, problem } },
    );
  const metadata = StoredMetadataSchema.safeParse(restoreNulls(stored.metadata ?? {}));
  if (!metadata.success) {
    throw corrupt(metadata.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`).join("; "));
  }
  if (typeof stored.document !== "string") throw corrupt("the report is missing");
  let lastReport: unknown;
  try {
    lastReport = JSON.parse(stored.document);
  } catch (error) {
    throw corrupt("the report is not valid JSON", error);
  }
  return { checkpoint: metadata.data.checkpoint, lastReport, updatedAt: metadata.data.updatedAt };
}

/**
 * Keys of the state in the sync-state collection's own metadata, where it is kept (a collection's
 * metadata is written and read in one quick request; a record upsert costs Chroma several times
 * more, and a sync that finds nothing to do still writes its report). The record form above is
 * what kmcp wrote before, still read when the metadata holds no state.
 */
const META = { format: "kmcp_sync_format", updatedAt: "kmcp_sync_updated_at", checkpoint: "kmcp_sync_checkpoint", report: "kmcp_sync_report" } as const;

/** `input` as keys of the collection's metadata (the checkpoint's key left out when it is null). */
export function encodeSyncStateMetadata(input: z.output<typeof SyncStateInputSchema>, now: number): ChromaMetadata {
  const { document } = encodeSyncState(input, now);
  return {
    [META.format]: FORMAT,
    [META.updatedAt]: input.updatedAt ?? now,
    ...(input.checkpoint === null ? {} : { [META.checkpoint]: input.checkpoint }),
    [META.report]: document,
  };
}

/**
 * The SyncState held in a collection's metadata, or undefined when it holds none (never written
 * there: see the record form).
 * @throws {ChromaStoreError} `CORRUPT` when it is not what encodeSyncStateMetadata() writes.
 */
export function decodeSyncStateMetadata(metadata: Record<string, unknown> | null | undefined, collection: string): SyncState | undefined {
  if (!metadata || !(META.format in metadata)) return undefined;
  const fields = { format: metadata[META.format], updatedAt: metadata[META.updatedAt], checkpoint: metadata[META.checkpoint] ?? null };
  return decodeSyncState({ metadata: fields, document: metadata[META.report] as string | undefined }, collection);
}
