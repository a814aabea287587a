import { hideNulls, NULL_FIELDS_KEY, restoreNulls, type ChromaMetadata } from "./chroma-metadata.js";
import { ChromaStoreError } from "./errors.js";
import { MirrorRecordSchema, nullPlaceholders, type MirrorRecord } from "./mirror-record.js";

// Stored in place of a null (see hideNulls); typed like the field so Chroma's key types stay stable.
const NULL_PLACEHOLDERS = nullPlaceholders();

/** A record as Chroma stores it: the id apart, every other field as metadata, nulls encoded (see hideNulls). */
export function toChromaMetadata(record: MirrorRecord): ChromaMetadata {
  const { id: _id, ...fields } = record;
  return hideNulls(fields, NULL_PLACEHOLDERS);
}

/**
 * The MirrorRecord stored under `id`, rebuilt from its Chroma metadata.
 * @throws {ChromaStoreError} `CORRUPT` when the metadata is not what toChromaMetadata() writes.
 */
export function fromChromaMetadata(id: string, metadata: Record<string, unknown> | null | undefined, collection: string): MirrorRecord {
  const parsed = MirrorRecordSchema.safeParse({ ...restoreNulls(metadata ?? {}), id });
  // Without its list of nulls, a placeholder would read as a real value.
  const hasNullList = typeof metadata?.[NULL_FIELDS_KEY] === "string";
  if (parsed.success && hasNullList) return parsed.data;
  // Name the fields, not their values: the collection may hold anything.
  const problems = parsed.success ? [] : parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
  if (!hasNullList) problems.push(`${NULL_FIELDS_KEY}: missing`);
  throw new ChromaStoreError(
    "CORRUPT",
    `Record ${JSON.stringify(id)} in Chroma collection ${collection} is not a kmcp source record (${problems.join("; ")}); resync the mirror, or point collectionPrefix at a collection only kmcp writes.`,
    { data: { collection, id, problems } },
  );
}
