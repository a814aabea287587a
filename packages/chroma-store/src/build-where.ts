import type { ChromaScalar } from "./chroma-metadata.js";

/** One metadata condition: a value to equal, or a non-empty list of values to match any of. */
export type FieldCondition = ChromaScalar | readonly ChromaScalar[];

/** A Chroma `where` clause as JSON; what this package builds is always one of these shapes. */
export type ChromaWhere =
  | Record<string, ChromaScalar | { $eq: ChromaScalar } | { $in: ChromaScalar[] }>
  | { $and: ChromaWhere[] };

/**
 * The Chroma `where` for "every given field matches": a list becomes `$in`, and more than one
 * field is wrapped in `$and` (Chroma refuses a clause with several keys). Undefined fields are
 * ignored; no conditions at all gives undefined (match everything).
 * @throws {RangeError} for an empty list, which would match nothing and which Chroma rejects.
 */
export function buildWhere(conditions: Record<string, FieldCondition | undefined>): ChromaWhere | undefined {
  const clauses: ChromaWhere[] = [];
  for (const [key, condition] of Object.entries(conditions)) {
    if (condition === undefined) continue;
    if (!Array.isArray(condition)) {
      clauses.push({ [key]: { $eq: condition as ChromaScalar } });
      continue;
    }
    const values = [...new Set(condition as readonly ChromaScalar[])];
    if (values.length === 0) throw new RangeError(`filter ${key} lists no values; leave it out to match any`);
    clauses.push(values.length === 1 ? { [key]: { $eq: values[0] as ChromaScalar } } : { [key]: { $in: values } });
  }
  if (clauses.length === 0) return undefined;
  if (clauses.length === 1) return clauses[0];
  return { $and: clauses };
}
