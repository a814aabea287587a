import type { z } from "zod";
import { DbError } from "./errors.js";

/** Parses input with a schema, or throws DbError VALIDATION naming every bad field. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, what: string): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw new DbError("VALIDATION", `Invalid ${what}: ${formatIssues(result.error)}`, {
    data: { issues: result.error.issues.map((i) => ({ path: i.path.map(String), message: i.message })) },
  });
}

/** One line: `title: must be at most 500 characters; priority: must be from 1 to 5`. */
export function formatIssues(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.length ? issue.path.join(".") : "input"}: ${issue.message}`).join("; ");
}
