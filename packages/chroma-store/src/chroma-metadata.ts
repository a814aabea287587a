/** A value Chroma 1.0 stores in record metadata: no null, no arrays, no objects. */
export type ChromaScalar = string | number | boolean;

/** Record metadata as Chroma accepts it. */
export type ChromaMetadata = Record<string, ChromaScalar>;

/** Metadata key listing (comma-separated) the fields whose value is null. */
export const NULL_FIELDS_KEY = "kmcp_nulls";

/**
 * `fields` as Chroma metadata. Chroma cannot store null, and an upsert keeps every metadata key
 * it is not given (it merges), so a key left out would keep its old value. So every nullable
 * field is always written: its value, or when null its placeholder (same type, so Chroma's
 * per-key types stay stable) and its name in NULL_FIELDS_KEY. restoreNulls() undoes this.
 *
 * @param placeholders the nullable fields, each with the value stored in its place when null.
 */
export function hideNulls(
  fields: Record<string, ChromaScalar | null | undefined>,
  placeholders: Record<string, ChromaScalar>,
): ChromaMetadata {
  const metadata: ChromaMetadata = {};
  const nulls: string[] = [];
  for (const key of new Set([...Object.keys(fields), ...Object.keys(placeholders)])) {
    const value = fields[key];
    if (value !== null && value !== undefined) {
      metadata[key] = value;
    } else if (key in placeholders) {
      metadata[key] = placeholders[key] as ChromaScalar;
      nulls.push(key);
    }
  }
  metadata[NULL_FIELDS_KEY] = nulls.join(",");
  return metadata;
}

/** The fields hideNulls() was given, nulls restored; metadata without NULL_FIELDS_KEY comes back unchanged. */
export function restoreNulls(metadata: Record<string, unknown>): Record<string, unknown> {
  const { [NULL_FIELDS_KEY]: nullList, ...fields } = metadata;
  if (typeof nullList !== "string") return fields;
  for (const key of nullList.split(",")) {
    if (key) fields[key] = null;
  }
  return fields;
}
