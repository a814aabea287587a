import { KmcpError } from "@kmcp/core";

/** What went wrong, as a stable string a caller can branch on. */
export type ExtractErrorCode =
  /** Bad input to a call (not bytes, an unknown kind). */
  | "VALIDATION"
  /** A format kmcp does not read (an image, an archive, an unknown content type). */
  | "UNSUPPORTED"
  /** The declared type (header or file name) and the bytes disagree, e.g. a text file named .pdf. */
  | "MISMATCH"
  /** The document is damaged, encrypted, or not what its format claims (a ZIP that is not a Word file). */
  | "UNREADABLE"
  /** The document has no text to index (an empty page, a scanned PDF with no text layer). */
  | "EMPTY"
  /** The document is over the size limit. */
  | "TOO_LARGE";

/** The error @kmcp/extract throws; its message is one line saying why, fit to show a user. */
export class ExtractError extends KmcpError<ExtractErrorCode> {
  override readonly name = "ExtractError";
}

export function isExtractError(error: unknown, code?: ExtractErrorCode): error is ExtractError {
  return error instanceof ExtractError && (code === undefined || error.code === code);
}
