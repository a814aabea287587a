import { IdSchema } from "@kmcp/core";
import { z } from "zod";
import type { RepositoryContext } from "./context.js";
import { parseInput } from "./parse-input.js";

/** What the last fetch of a source's url found (kept by `kmcp acquire`). */
export interface SourceFetchState {
  sourceId: string;
  /** The url after redirects. */
  finalUrl: string | null;
  /** Validators for the next conditional request. */
  etag: string | null;
  lastModified: string | null;
  contentType: string | null;
  /** Null after a successful fetch; one line saying why the last one failed otherwise. */
  failureReason: string | null;
  fetchedAt: Date;
}

const FetchStateInputSchema = z.strictObject({
  sourceId: IdSchema,
  finalUrl: z.string().max(4096).nullable().optional(),
  etag: z.string().max(1024).nullable().optional(),
  lastModified: z.string().max(200).nullable().optional(),
  contentType: z.string().max(300).nullable().optional(),
  failureReason: z.string().max(2000).nullable().optional(),
  fetchedAt: z.date().optional(),
});
export type SourceFetchStateInput = z.input<typeof FetchStateInputSchema>;

export interface FetchStatesRepository {
  get(sourceId: string): Promise<SourceFetchState | null>;
  /**
   * Record a fetch. A success (no failureReason) replaces every field; a failure keeps the last
   * good validators (so the next attempt is still conditional) and records the reason.
   * @throws DbError NOT_FOUND-like CONFLICT when the source does not exist, UNREACHABLE, VALIDATION.
   */
  record(input: SourceFetchStateInput): Promise<SourceFetchState>;
}

export function createFetchStatesRepository({ prisma, run }: RepositoryContext): FetchStatesRepository {
  return {
    async get(sourceId) {
      const id = parseInput(IdSchema, sourceId, "source id");
      return run("read the source's fetch state", () => prisma.sourceFetchState.findUnique({ where: { sourceId: id } }));
    },
    async record(input) {
      const data = parseInput(FetchStateInputSchema, input, "fetch state");
      const fetchedAt = data.fetchedAt ?? new Date();
      const failure = data.failureReason ?? null;
      const fields = failure
        ? { failureReason: failure, fetchedAt }
        : {
            finalUrl: data.finalUrl ?? null,
            etag: data.etag ?? null,
            lastModified: data.lastModified ?? null,
            contentType: data.contentType ?? null,
            failureReason: null,
            fetchedAt,
          };
      return run("record the source's fetch state", () =>
        prisma.sourceFetchState.upsert({
          where: { sourceId: data.sourceId },
          create: { sourceId: data.sourceId, finalUrl: null, etag: null, lastModified: null, contentType: null, ...fields },
          update: fields,
        }),
      );
    },
  };
}
