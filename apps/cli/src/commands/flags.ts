import { CoreError } from "@kmcp/core";
import type { z } from "zod";

/**
 * `input` parsed by a library schema, before any service starts; problems are named by the flag
 * the user typed (`--max-chars`), not the field it fills (`chunking.maxChars`).
 * @throws {CoreError} `VALIDATION` (exit 2), one line, never echoing values.
 */
export function parseFlags<S extends z.ZodType>(schema: S, input: unknown, what: string, flags: Record<string, string>): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  // Field names in messages become flags too (`lower overlapChars` → `lower --overlap`).
  const byField = Object.entries(flags).map(([key, flag]) => [new RegExp(`\\b${key.split(".").at(-1)}\\b`, "g"), flag] as const);
  const problems = new Map<string, string>(); // the first problem of each flag is enough
  for (const issue of result.error.issues) {
    const key = issue.path.map(String).join(".");
    const name = flags[key] ?? (key || "input");
    if (!problems.has(name)) problems.set(name, byField.reduce((message, [field, flag]) => message.replace(field, flag), issue.message));
  }
  throw new CoreError("VALIDATION", `Invalid ${what}: ${[...problems].map(([name, message]) => `${name}: ${message}`).join("; ")}`);
}

/** A flag that must be a whole number, as a number; undefined when the flag was not given. */
export function wholeNumber(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\s*-?\d+\s*$/.test(value)) throw new CoreError("VALIDATION", `Invalid ${flag}: must be a whole number.`);
  return Number(value);
}

export function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
