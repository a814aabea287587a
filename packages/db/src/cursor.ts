import { DbError } from "./errors.js";

/** Opaque page cursors: base64url JSON, so callers cannot depend on what is inside. */
export function encodeCursor(value: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify(value)).toString("base64url");
}

export function decodeCursor(cursor: string, arity: number): string[] {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
    if (Array.isArray(value) && value.length === arity && value.every((v) => typeof v === "string")) return value;
  } catch {
    // fall through to the error below
  }
  throw invalidCursor();
}

export function invalidCursor(): DbError {
  return new DbError("VALIDATION", "Invalid cursor: pass the nextCursor returned with the previous page unchanged.", {
    data: { field: "cursor" },
  });
}
