import type { IncomingMessage, ServerResponse } from "node:http";
import { formatIssues, redactSecrets } from "@kmcp/core";
import { z } from "zod";
import { HealthError } from "./errors.js";
import type { HealthReport, HealthStatus } from "./report.js";

/** The media type of health reports (draft-inadarei-api-health-check). */
export const HEALTH_CONTENT_TYPE = "application/health+json";

const PathSchema = z.string().regex(/^\/[^\s?#]*$/, "must be a path starting with / (no query)");

export const HealthHandlerOptionsSchema = z.strictObject({
  /** Produces the readiness report; a `HealthCheck` from createHealthCheck() fits as it is. */
  report: z.custom<() => Promise<HealthReport>>((value) => typeof value === "function", { message: "must be a function" }),
  livenessPath: PathSchema.default("/healthz"),
  readinessPath: PathSchema.default("/readyz"),
});

export type HealthHandlerOptions = z.input<typeof HealthHandlerOptionsSchema>;

/** Serves the request and resolves true, or resolves false without touching `res` for other paths. */
export type HealthHandler = (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;

/** Pure: the readiness status code for a report status: 200 for `pass` and `warn`, 503 for `fail`. */
export function readinessStatusCode(status: HealthStatus): 200 | 503 {
  return status === "fail" ? 503 : 200;
}

function pathOf(url: string | undefined): string | null {
  try {
    return new URL(url ?? "/", "http://localhost").pathname;
  } catch {
    return null;
  }
}

function send(req: IncomingMessage, res: ServerResponse, statusCode: number, body: unknown, headers: Record<string, string> = {}) {
  const text = JSON.stringify(body);
  res.writeHead(statusCode, {
    "content-type": HEALTH_CONTENT_TYPE,
    "content-length": String(Buffer.byteLength(text)),
    "cache-control": "no-store",
    ...headers,
  });
  res.end(req.method === "HEAD" ? undefined : text);
}

/**
 * `/healthz` (liveness: 200 whenever the process can answer; touches no dependency) and
 * `/readyz` (readiness: runs the report; 200 for pass/warn, 503 for fail), both with the
 * report as `application/health+json`. GET and HEAD; other methods get 405. Other paths are
 * left alone (resolves false), so it composes with any router.
 *
 * @throws {HealthError} `VALIDATION` for bad options.
 * @example
 *   const health = createHealthHandler(createHealthCheck({ postgres: db, chroma: store, mirror: sync }));
 *   http.createServer(async (req, res) => {
 *     if (await health(req, res)) return;
 *     res.writeHead(404).end();
 *   });
 */
export function createHealthHandler(options: HealthHandlerOptions): HealthHandler {
  const parsed = HealthHandlerOptionsSchema.safeParse(options);
  if (!parsed.success) throw new HealthError("VALIDATION", `Invalid health handler options: ${formatIssues(parsed.error)}`);
  const { livenessPath, readinessPath } = parsed.data;

  return async (req, res) => {
    const path = pathOf(req.url);
    if (path !== livenessPath && path !== readinessPath) return false;
    if (req.method !== "GET" && req.method !== "HEAD") {
      send(req, res, 405, { status: "fail", output: `Method ${req.method ?? "?"} not allowed on ${path}; use GET or HEAD.` }, { allow: "GET, HEAD" });
      return true;
    }
    if (path === livenessPath) {
      send(req, res, 200, { status: "pass" });
      return true;
    }
    let report: HealthReport | { status: "fail"; output: string };
    try {
      // Called on the original object, so a report() that uses `this` still works.
      report = await options.report();
    } catch (error) {
      const message = redactSecrets(error instanceof Error ? error.message : String(error));
      report = { status: "fail", output: `The health report could not be produced: ${message}` };
    }
    send(req, res, readinessStatusCode(report.status), report);
    return true;
  };
}
