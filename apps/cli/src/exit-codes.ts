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

const BY_CODE: Record<string, number> = {
  VALIDATION: EXIT.usage,
  NOT_FOUND: EXIT.notFound,
  CONFLICT: EXIT.conflict,
  INVALID_TRANSITION: EXIT.conflict,
  UNREACHABLE: EXIT.unavailable,
  TIMEOUT: EXIT.unavailable,
  NO_MIRROR: EXIT.unavailable,
  UNAVAILABLE: EXIT.unavailable,
  // @kmcp/local-servers (LocalServerError): a server would not start, KMCP_HOME stayed locked.
  START_FAILED: EXIT.unavailable,
  LOCKED: EXIT.unavailable,
  // @kmcp/search (SearchError): VALIDATION is shared above.
  READ: EXIT.usage,
  EMBEDDER: EXIT.failure,
  EMBEDDER_MISMATCH: EXIT.conflict,
};

/** Pure: the exit code for an error that reached the top. */
export function exitCodeFor(error: unknown): number {
  if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" ? (BY_CODE[code] ?? EXIT.failure) : EXIT.failure;
}

/** A failure that has already been reported and only needs its exit code (e.g. drift found). */
export class ExitError extends Error {
  constructor(readonly exitCode: number, message = "") {
    super(message);
  }
}
