import { isChromaStoreError } from "@kmcp/chroma-store";
import { redactSecrets, type FailureSide } from "@kmcp/core";
// The light entry point: a process that only syncs never loads Prisma (see @kmcp/db/sync).
import { isDbError } from "@kmcp/db/sync";

/** True for errors that mean PostgreSQL cannot be reached (as opposed to refusing a request). */
export function isPrimaryOutage(error: unknown): boolean {
  return isDbError(error) && (error.code === "UNREACHABLE" || error.code === "TIMEOUT");
}

export function failureSide(error: unknown): FailureSide {
  if (isDbError(error)) return "postgres";
  if (isChromaStoreError(error)) return "chroma";
  return "internal";
}

/** A message fit for state, logs and tool output: one line, credentials removed. */
export function describeFailure(error: unknown, secrets: readonly string[] = []): string {
  const message = error instanceof Error ? error.message : String(error);
  return redactSecrets(message.split("\n")[0] ?? "", secrets);
}
