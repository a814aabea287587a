import type { KmcpPrismaClient } from "./prisma-client.js";
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

/** Runs `SELECT 1` with a deadline. Never throws. */
export async function ping(prisma: KmcpPrismaClient, timeoutMs: number, secrets: readonly string[]): Promise<PingResult> {
  const started = performance.now();
  const elapsed = () => Math.round((performance.now() - started) * 10) / 10;
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<"timeout">((resolve) => {
    timer = setTimeout(() => resolve("timeout"), timeoutMs);
  });
  try {
    const outcome = await Promise.race([prisma.$queryRaw`SELECT 1`.then(() => "ok" as const), deadline]);
    if (outcome === "ok") return { ok: true, latencyMs: elapsed() };
    return { ok: false, reason: "timeout", latencyMs: elapsed(), message: `PostgreSQL did not answer within ${timeoutMs} ms.` };
  } catch (error) {
    const translated = translateError(error, "reach PostgreSQL", secrets);
    const reason = translated.code === "UNREACHABLE" ? "unreachable" : translated.code === "TIMEOUT" ? "timeout" : "error";
    return { ok: false, reason, latencyMs: elapsed(), message: translated.message };
  } finally {
    clearTimeout(timer);
  }
}
