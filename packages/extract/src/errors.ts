import { errorGuard, KmcpError } from "@kmcp/core";

/**
 * The error @kmcp/extract throws; its message is one line saying why, fit to show a user. Its code:
 * - `VALIDATION`: bad input to a call (not bytes, an unknown kind).
 * - `UNSUPPORTED`: a format kmcp does not read (an image, an archive, an unknown content type).
 * - `MISMATCH`: the declared type (header or file name) and the bytes disagree, e.g. a text file named .pdf.
 * - `UNREADABLE`: the document is damaged, encrypted, or not what its format claims (a ZIP that is not a Word file).
 * - `EMPTY`: the document has no text to index (an empty page, a scanned PDF with no text layer).
 * - `TOO_LARGE`: the document is over the size limit.
 */
export class ExtractError extends KmcpError<"VALIDATION" | "UNSUPPORTED" | "MISMATCH" | "UNREADABLE" | "EMPTY" | "TOO_LARGE"> {
  override readonly name = "ExtractError";
}
export type ExtractErrorCode = ExtractError["code"];
export const isExtractError = errorGuard(ExtractError);
