import { KmcpError } from "@kmcp/core";

/** What went wrong, as a stable string a caller can branch on. */
export type AcquireErrorCode =
  /** Not an http(s) URL, or bad options. */
  | "VALIDATION"
  /** A hop's host is or resolves to a loopback, private, link-local or other non-public address. */
  | "FORBIDDEN_ADDRESS"
  /** The site's robots.txt disallows the URL for kmcp. */
  | "ROBOTS"
  /** The body is over the size limit (refused before it is all read). */
  | "TOO_LARGE"
  /** Connecting, or the whole fetch, took longer than allowed. */
  | "TIMEOUT"
  /** The server answered with an error status (data.status). */
  | "HTTP"
  /** Too many redirects, a redirect loop, or a redirect without a usable Location. */
  | "REDIRECTS"
  /** The content type is not one kmcp reads (an image, application/octet-stream ...). */
  | "UNSUPPORTED_TYPE"
  /** The host does not resolve, the connection was refused or reset. */
  | "UNREACHABLE";

/** The error @kmcp/acquire throws; its message names the URL and the reason in one line. */
export class AcquireError extends KmcpError<AcquireErrorCode> {
  override readonly name = "AcquireError";
}

export function isAcquireError(error: unknown, code?: AcquireErrorCode): error is AcquireError {
  return error instanceof AcquireError && (code === undefined || error.code === code);
}
