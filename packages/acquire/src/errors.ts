import { errorGuard, KmcpError } from "@kmcp/core";

/**
 * The error @kmcp/acquire throws; its message names the URL and the reason in one line. Its code:
 * - `VALIDATION`: not an http(s) URL, or bad options.
 * - `FORBIDDEN_ADDRESS`: a hop's host is or resolves to a loopback, private, link-local or other non-public address.
 * - `ROBOTS`: the site's robots.txt disallows the URL for kmcp.
 * - `TOO_LARGE`: the body is over the size limit (refused before it is all read).
 * - `TIMEOUT`: connecting, or the whole fetch, took longer than allowed.
 * - `HTTP`: the server answered with an error status (data.status).
 * - `REDIRECTS`: too many redirects, a redirect loop, or a redirect without a usable Location.
 * - `UNSUPPORTED_TYPE`: the content type is not one kmcp reads (an image, application/octet-stream ...).
 * - `UNREACHABLE`: the host does not resolve, the connection was refused or reset.
 */
export class AcquireError extends KmcpError<
  "VALIDATION" | "FORBIDDEN_ADDRESS" | "ROBOTS" | "TOO_LARGE" | "TIMEOUT" | "HTTP" | "REDIRECTS" | "UNSUPPORTED_TYPE" | "UNREACHABLE"
> {
  override readonly name = "AcquireError";
}
export type AcquireErrorCode = AcquireError["code"];
export const isAcquireError = errorGuard(AcquireError);
