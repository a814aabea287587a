import type { z } from "zod";
import { SearchError } from "./errors.js";

/**
 * `value` parsed by `schema`.
 * @throws {SearchError} `VALIDATION` naming each failing path (never echoing values).
 */
export function parseInput<T extends z.ZodType>(schema: T, value: unknown, what: string): z.output<T> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  // Paths and zod's messages only: zod does not echo input values, so a secret in bad input stays out.
  const problems = parsed.error.issues.slice(0, 10).map((issue) => `${issue.path.join(".") || "value"}: ${issue.message}`);
  const more = parsed.error.issues.length > problems.length ? ` (and ${parsed.error.issues.length - problems.length} more)` : "";
  throw new SearchError("VALIDATION", `Invalid ${what}; fix: ${problems.join("; ")}${more}`, { data: { problems } });
}
