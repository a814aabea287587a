import { CoreError } from "./errors.js";

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

export function invalidCursor(): CoreError {
  return new CoreError("VALIDATION", "Invalid cursor: pass the nextCursor returned with the previous page unchanged.", {
    data: { field: "cursor" },
  });
}

/** The cursor of a source list page: the last url shown. Postgres and the mirror both read it. */
export function encodeSourceCursor(url: string): string {
  return encodeCursor([url]);
}

export function decodeSourceCursor(cursor: string): string {
  return decodeCursor(cursor, 1)[0] as string;
}
