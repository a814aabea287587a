import { CatalogSourceSchema, type CatalogSource } from "@kmcp/core";
import { z } from "zod";

/**
 * A point in time as milliseconds since the Unix epoch (`Date#getTime()`): an integer compares
 * with `<`, survives Chroma's metadata unchanged and can be range-filtered there later.
 */
export const EpochMsSchema = z.number().int().min(0).max(8.64e15);

type CatalogShape = typeof CatalogSourceSchema.shape;
type FieldKey = keyof CatalogShape;

/** Whether a catalog field holds a Date (nullable or not): the mirror stores those as epoch ms. */
function isDateField(schema: z.ZodType): boolean {
  return schema instanceof z.ZodDate || (schema instanceof z.ZodNullable && schema.unwrap() instanceof z.ZodDate);
}

const FIELDS = Object.keys(CatalogSourceSchema.shape) as FieldKey[];
const DATE_FIELDS = new Set(FIELDS.filter((key) => isDateField(CatalogSourceSchema.shape[key])));

// The vocabularies are @kmcp/core's: a value the mirror does not know is refused at upsert, so a
// schema change shows up as a failed sync rather than unreadable records. Every field of a
// catalog source is mirrored (dates as epoch ms), so a new Source field needs no change here.
const epochShape = Object.fromEntries(
  [...DATE_FIELDS].map((key) => [key, CatalogSourceSchema.shape[key] instanceof z.ZodNullable ? EpochMsSchema.nullable() : EpochMsSchema]),
);

const recordSchema = CatalogSourceSchema.extend({
  id: z.string().min(1).max(512),
  url: z.string().min(1),
  ...epochShape,
  /** When the mirror last wrote this record, epoch ms. */
  syncedAt: EpochMsSchema,
});

type EpochFields = { [K in FieldKey]: CatalogSource[K] extends Date ? number : CatalogSource[K] extends Date | null ? number | null : CatalogSource[K] };
export type MirrorRecord = EpochFields & { syncedAt: number };

const NULLABLE_KEYS = Object.entries(recordSchema.shape)
  .filter(([, field]) => field instanceof z.ZodNullable)
  .map(([key]) => key);

/** One source as the read mirror holds it: every catalog field (dates as epoch ms), and when the mirror wrote it. */
export const MirrorRecordSchema = recordSchema as unknown as z.ZodType<MirrorRecord>;

/**
 * What upsert() accepts: a MirrorRecord whose nullable fields may be left out and whose
 * `syncedAt` defaults to the time of the write. Unknown keys are dropped.
 */
export const MirrorRecordInputSchema = recordSchema.extend(
  Object.fromEntries([...NULLABLE_KEYS, "syncedAt"].map((key) => [key, (recordSchema.shape[key as keyof typeof recordSchema.shape] as z.ZodType).optional()])),
) as unknown as z.ZodType<MirrorRecordInput>;
export type MirrorRecordInput = Omit<MirrorRecord, "syncedAt" | NullableKey> & Partial<Pick<MirrorRecord, "syncedAt" | NullableKey>>;
type NullableKey = { [K in keyof MirrorRecord]: null extends MirrorRecord[K] ? K : never }[keyof MirrorRecord];

/** An input record made whole: nullable fields left out become null, `syncedAt` defaults to `syncedAt`. */
export function completeRecord(input: MirrorRecordInput, syncedAt: number): MirrorRecord {
  const record: Record<string, unknown> = { ...input, syncedAt: input.syncedAt ?? syncedAt };
  for (const key of NULLABLE_KEYS) record[key] ??= null;
  return record as MirrorRecord;
}

/** The mirror's copy of a source (dates as epoch ms). */
export function toMirrorRecord(source: CatalogSource): MirrorRecordInput {
  const record: Record<string, unknown> = {};
  for (const key of FIELDS) {
    const value = source[key];
    record[key] = value instanceof Date ? value.getTime() : value;
  }
  return record as MirrorRecordInput;
}

/** The source a mirror record stands for (dates back as Dates). */
export function fromMirrorRecord(record: MirrorRecord): CatalogSource {
  const source: Record<string, unknown> = {};
  for (const key of FIELDS) {
    const value = record[key];
    source[key] = DATE_FIELDS.has(key) && typeof value === "number" ? new Date(value) : value;
  }
  return source as CatalogSource;
}

/** True when the mirror already holds exactly this record (syncedAt aside). */
export function mirrorHolds(existing: MirrorRecord | undefined, wanted: MirrorRecordInput): boolean {
  if (!existing) return false;
  const given = wanted as Record<string, unknown>;
  return FIELDS.every((key) => existing[key] === (given[key] ?? null));
}

/** Fields that may be null, with a Chroma-storable value of their type to stand in for null. */
export function nullPlaceholders(): Record<string, string | number> {
  const shape = recordSchema.shape as Record<string, z.ZodType>;
  return Object.fromEntries(NULLABLE_KEYS.map((key) => [key, (shape[key] as z.ZodNullable<z.ZodType>).unwrap() instanceof z.ZodNumber ? 0 : ""]));
}
