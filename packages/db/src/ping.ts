import { runWithDeadline } from "@kmcp/core";
import type pg from "pg";
import { translateError } from "./translate-error.js";

export type PingResult =
  | { ok: true; latencyMs: number }
  | {
      ok: false;
      /** `unreachable`: no answer or refused (an outage); `timeout`: no answer in time; `error`: it answered, but with an error. */
      reason: "unreachable" | "timeout" | "error";
      latencyMs: number;
      message: string;
    };

/** Runs `SELECT 1` on the pool (the connections the hot reads use) with a deadline. Never throws. */
export async function ping(pool: pg.Pool, timeoutMs: number, secrets: readonly string[]): Promise<PingResult> {
  const outcome = await runWithDeadline(() => pool.query("SELECT 1"), timeoutMs);
  const latencyMs = outcome.elapsedMs;
  if (outcome.settled === "value") return { ok: true, latencyMs };
  if (outcome.settled === "timeout") return { ok: false, reason: "timeout", latencyMs, message: `PostgreSQL did not answer within ${timeoutMs} ms.` };
  const translated = translateError(outcome.error, "reach PostgreSQL", secrets);
  const reason = translated.code === "UNREACHABLE" ? "unreachable" : translated.code === "TIMEOUT" ? "timeout" : "error";
  return { ok: false, reason, latencyMs, message: translated.message };
}
