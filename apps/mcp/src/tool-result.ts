import { redactSecrets } from "@kmcp/core";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";

/**
 * The value as it travels in JSON (Dates become ISO strings, undefined fields go), built
 * directly rather than by a stringify/parse round trip, which was a quarter of a call's CPU.
 */
export function toJson(value: unknown): unknown {
  if (value === null || typeof value !== "object") return value;
  if (typeof (value as { toJSON?: unknown }).toJSON === "function") return toJson((value as { toJSON(): unknown }).toJSON());
  // Plain loops: map() and Object.entries() allocate closures and [key, value] pairs, and this
  // copies every search answer (2% of the server's CPU under load).
  if (Array.isArray(value)) {
    const out = new Array<unknown>(value.length);
    for (let i = 0; i < value.length; i++) out[i] = value[i] === undefined ? null : toJson(value[i]);
    return out;
  }
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    const item = (value as Record<string, unknown>)[key];
    if (item !== undefined) out[key] = toJson(item);
  }
  return out;
}

/** A successful result: the structured content, plus the same for a reader. */
export function ok(structured: object, text: string): CallToolResult {
  return { structuredContent: toJson(structured) as Record<string, unknown>, content: [{ type: "text", text }] };
}

/** A failed call: `isError` with one clear sentence (no stack, no credentials). */
export function fail(message: string): CallToolResult {
  return { isError: true, content: [{ type: "text", text: message }] };
}

/**
 * Runs a tool body and turns any error into a readable `isError` result, so a tool call can
 * never take the server down.
 */
export async function safely(body: () => Promise<CallToolResult>): Promise<CallToolResult> {
  try {
    return await body();
  } catch (error) {
    return fail(errorLine(error));
  }
}

/**
 * An error as one line without credentials: the message's first line or, for messages that open
 * with a blank line (Prisma's invocation dumps: code excerpt first, the reason last), its last
 * non-blank one.
 */
export function errorLine(error: unknown): string {
  const lines = (error instanceof Error ? error.message : String(error)).split("\n").map((line) => line.trim());
  return redactSecrets(lines[0] || lines.filter(Boolean).at(-1) || "The tool failed.");
}

/** How an answer from the mirror is announced, so the agent can tell the user. */
export function originNote(origin: { origin: "primary" | "mirror"; asOf: Date | null }): string {
  return origin.origin === "mirror" && origin.asOf
    ? `\n\nNote: PostgreSQL is unreachable, so this answer comes from the offline mirror as of ${origin.asOf.toISOString()}; it may miss changes made since.`
    : "";
}
