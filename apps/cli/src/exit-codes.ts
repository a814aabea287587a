import { isKmcpError } from "@kmcp/core";
import type { KmcpErrorCode } from "@kmcp/runtime";
import { CommanderError } from "commander";

/** What `kmcp` exits with; documented in the README. */
export const EXIT = {
  ok: 0,
  failure: 1,
  usage: 2,
  notFound: 3,
  conflict: 4,
  unavailable: 5,
} as const;

type ExitCode = (typeof EXIT)[keyof typeof EXIT];

// Every code of every package: a new code fails to compile until it is given an exit code here.
const BY_CODE: Record<KmcpErrorCode, ExitCode> = {
  VALIDATION: EXIT.usage,
  READ: EXIT.usage,
  NOT_FOUND: EXIT.notFound,
  CONFLICT: EXIT.conflict,
  INVALID_TRANSITION: EXIT.conflict,
  EMBEDDER_MISMATCH: EXIT.conflict,
  UNREACHABLE: EXIT.unavailable,
  TIMEOUT: EXIT.unavailable,
  NO_MIRROR: EXIT.unavailable,
  UNAVAILABLE: EXIT.unavailable,
  // @kmcp/sync-core: another process held the sync lease as long as we would wait / we lost it.
  BUSY: EXIT.unavailable,
  LEASE_LOST: EXIT.failure,
  // @kmcp/local-servers (LocalServerError): a server would not start, KMCP_HOME stayed locked.
  START_FAILED: EXIT.unavailable,
  UNAUTHORIZED: EXIT.failure,
  MIGRATION: EXIT.failure,
  CORRUPT: EXIT.failure,
  CORRUPT_STATE: EXIT.failure,
  LOCKED: EXIT.unavailable,
  EMBEDDER: EXIT.failure,
  UNKNOWN: EXIT.failure,
  // @kmcp/extract (ExtractError): the document cannot be read.
  UNSUPPORTED: EXIT.failure,
  MISMATCH: EXIT.failure,
  UNREADABLE: EXIT.failure,
  EMPTY: EXIT.failure,
  TOO_LARGE: EXIT.failure,
  // @kmcp/acquire (AcquireError): the url cannot be fetched.
  FORBIDDEN_ADDRESS: EXIT.usage,
  ROBOTS: EXIT.failure,
  HTTP: EXIT.failure,
  REDIRECTS: EXIT.failure,
  UNSUPPORTED_TYPE: EXIT.failure,
};

/** Pure: the exit code for an error that reached the top. */
export function exitCodeFor(error: unknown): number {
  if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
  if (!isKmcpError(error)) return EXIT.failure;
  return BY_CODE[error.code as KmcpErrorCode] ?? EXIT.failure;
}

/** A failure that has already been reported and only needs its exit code (e.g. drift found). */
export class ExitError extends Error {
  constructor(readonly exitCode: number, message = "") {
    super(message);
  }
}
