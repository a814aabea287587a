import type { z } from "zod";
import { ChromaStoreError } from "./errors.js";

/**
 * `value` parsed by `schema`.
 * @throws {ChromaStoreError} `VALIDATION` naming each failing path (never echoing values).
 */
export function parseInput<T extends z.ZodType>(schema: T, value: unknown, what: string): z.output<T> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.slice(0, 10).map((issue) => `${issue.path.join(".") || "value"}: ${issue.message}`);
  const more = parsed.error.issues.length > problems.length ? ` (and ${parsed.error.issues.length - problems.length} more)` : "";
  throw new ChromaStoreError("VALIDATION", `Invalid ${what}; fix: ${problems.join("; ")}${more}`, {
    data: { problems },
  });
}
