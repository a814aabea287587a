import type { AcquisitionRequest as PrismaRequest, Source as PrismaSource } from "./generated/prisma/client.js";

/** A knowledge source, as stored in PostgreSQL. */
export type Source = Omit<PrismaSource, "changeTxid">;
/** An ask to add a source, with its approval state. */
export type AcquisitionRequest = PrismaRequest;

/** One page of a cursor-paginated list; pass `nextCursor` back to get the next page. */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}
