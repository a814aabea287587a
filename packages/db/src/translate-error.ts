import { createRedactor, redactSecrets, scrubError } from "@kmcp/core";
import { DbError, type DbErrorCode } from "./errors.js";

/** Everything a Prisma, driver-adapter or pg error chain tells us, flattened. */
interface ErrorFacts {
  codes: Set<string>;
  messages: string[];
}

function collectFacts(error: unknown): ErrorFacts {
  const facts: ErrorFacts = { codes: new Set(), messages: [] };
  const seen = new Set<unknown>();
  let current: unknown = error;
  while (current && typeof current === "object" && !seen.has(current)) {
    seen.add(current);
    const e = current as Record<string, unknown>;
    for (const key of ["code", "kind", "originalCode", "errorCode"]) {
      if (typeof e[key] === "string") facts.codes.add(e[key]);
    }
    if (typeof e.message === "string") facts.messages.push(e.message);
    if (typeof e.originalMessage === "string") facts.messages.push(e.originalMessage);
    // Prisma keeps the driver adapter's error in `meta.driverAdapterError`, pg in `cause`.
    const meta = e.meta as Record<string, unknown> | undefined;
    current = e.cause ?? meta?.driverAdapterError;
  }
  return facts;
}

const UNREACHABLE_CODES = [
  "DatabaseNotReachable",
  "ConnectionClosed",
  "TlsConnectionError",
  "ECONNREFUSED",
  "ENOTFOUND",
  "ECONNRESET",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EAI_AGAIN",
  "EPIPE",
  "P1001",
  "P1017",
  "57P01", // admin_shutdown
  "57P02", // crash_shutdown
  "57P03", // cannot_connect_now (starting up / shutting down)
];
const TIMEOUT_CODES = ["SocketTimeout", "ETIMEDOUT", "P1008", "P2024", "TIMEOUT"];
// pg fails a query on a pooled client whose socket died with "Client has encountered a connection
// error and is not queryable" (no code). Prisma, when the COMMIT of one of its internal transactions
// fails because the connection died, then tries to roll back and throws "A rollback cannot be executed
// on a committed transaction" instead of the connection error (our schema has no deferred constraints,
// so a failed COMMIT means a lost connection).
const UNREACHABLE_MESSAGE =
  /connection terminated|connection timeout|can't reach database|server closed the connection|connection refused|connection error and is not queryable|rollback cannot be executed on a committed transaction/i;
// pg-pool: every connection stayed busy for the whole connect timeout.
const TIMEOUT_MESSAGE = /query read timeout|timed out|timeout exceeded when trying to connect/i;

/** Decides what kind of failure a third-party error is. Pure, so it is unit-tested directly. */
export function classifyError(error: unknown): { code: DbErrorCode; hint: string } {
  const { codes, messages } = collectFacts(error);
  const has = (list: readonly string[]) => list.some((c) => codes.has(c));
  const text = messages.join(" | ");
  if (has(TIMEOUT_CODES) || TIMEOUT_MESSAGE.test(text)) {
    return { code: "TIMEOUT", hint: "PostgreSQL did not answer in time" };
  }
  if (has(UNREACHABLE_CODES) || [...codes].some((c) => c.startsWith("08")) || UNREACHABLE_MESSAGE.test(text)) {
    return { code: "UNREACHABLE", hint: "PostgreSQL is unreachable; check that it runs and that DATABASE_URL points at it" };
  }
  if (has(["AuthenticationFailed", "28P01", "28000", "DatabaseAccessDenied"])) {
    return { code: "UNKNOWN", hint: "PostgreSQL refused the credentials; check the user and password in DATABASE_URL" };
  }
  if (has(["DatabaseDoesNotExist", "3D000"])) {
    return { code: "UNKNOWN", hint: "the database named in DATABASE_URL does not exist; create it first" };
  }
  if (has(["TableDoesNotExist", "42P01", "P2021", "ColumnNotFound", "42703", "P2022"])) {
    return { code: "MIGRATION", hint: "the database schema is missing or out of date; run `kmcp db migrate`" };
  }
  if (has(["UniqueConstraintViolation", "23505", "P2002"])) {
    return { code: "CONFLICT", hint: "a record with the same unique value already exists" };
  }
  if (has(["P2025"])) return { code: "NOT_FOUND", hint: "the record does not exist" };
  return { code: "UNKNOWN", hint: "PostgreSQL reported an error" };
}

/**
 * The one boundary where Prisma/pg errors become DbError. `secrets` (the configured
 * password) are scrubbed from the message in addition to any URL credentials.
 */
export function translateError(error: unknown, action: string, secrets: readonly string[] = []): DbError {
  if (error instanceof DbError) return error;
  const { code, hint } = classifyError(error);
  const detail = reasonLine(error instanceof Error ? error.message : String(error));
  const message = `Could not ${action}: ${hint}.${detail && code === "UNKNOWN" ? ` (${detail})` : ""}`;
  return new DbError(code, redactSecrets(message, secrets), { cause: scrubError(error, createRedactor(secrets)) });
}

/**
 * The line of an error message that says what went wrong: the first one, except after Prisma's
 * "Invalid `prisma.x()` invocation:" header, whose code excerpt comes first and reason last.
 */
export function reasonLine(text: string): string {
  const lines = text.split("\n").map((l) => l.trim()).filter(Boolean);
  const line = (lines[0]?.endsWith("invocation:") ? lines.at(-1) : lines[0]) ?? "";
  return line.length > 300 ? `${line.slice(0, 300)}…` : line;
}
