import type { z } from "zod";
import { CoreError, type KmcpError } from "./errors.js";

const MAX_ISSUES = 10;

/**
 * One line naming every bad field: `title: must be at most 500 characters; priority: must be
 * from 1 to 5`. Paths and zod's messages only: zod does not echo input values, so a secret in
 * bad input stays out.
 */
export function formatIssues(error: z.ZodError): string {
  const shown = error.issues.slice(0, MAX_ISSUES).map((issue) => `${issue.path.length ? issue.path.join(".") : "input"}: ${issue.message}`);
  const more = error.issues.length - shown.length;
  return `${shown.join("; ")}${more > 0 ? ` (and ${more} more)` : ""}`;
}

/** Parses `input` with `schema`, or throws what `fail` makes of a message and the issues. */
export type InputParser = <S extends z.ZodType>(schema: S, input: unknown, what: string) => z.output<S>;

/**
 * A parseInput that throws the calling package's own VALIDATION error, e.g.
 * `inputParser((message, data) => new DbError("VALIDATION", message, { data }))`.
 */
export function inputParser(fail: (message: string, data: Record<string, unknown>) => KmcpError<"VALIDATION" | string>): InputParser {
  return (schema, input, what) => {
    const result = schema.safeParse(input);
    if (result.success) return result.data;
    throw fail(`Invalid ${what}: ${formatIssues(result.error)}`, {
      issues: result.error.issues.map((issue) => ({ path: issue.path.map(String), message: issue.message })),
    });
  };
}

/** Parses input with a schema, or throws CoreError VALIDATION naming every bad field. */
export const parseInput: InputParser = inputParser((message, data) => new CoreError("VALIDATION", message, { data }));
