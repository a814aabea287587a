import type { z } from "zod";
import { SearchError } from "./errors.js";

/**
 * `value` parsed by `schema`.
 * @throws {SearchError} `VALIDATION` naming each failing path (never echoing values).
 */
export function parseInput<T extends z.ZodType>(schema: T, value: unknown, what: string): z.output<T> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.slice(0, 10).map((issue) => `${issue.path.join(".") || "value"}: ${issue.message}`);
  throw new SearchError("VALIDATION", `Invalid ${what}; fix: ${problems.join("; ")}`, { data: { problems } });
}
