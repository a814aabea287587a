import { createServer, request, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** Chroma Cloud's rules the proxy plays (its default quotas: 300, 300, 10). */
export interface ChromaCloudRules {
  /** Sent as `x-chroma-token` by every allowed request. */
  apiKey: string;
  /** Most ids in one add/upsert/update/delete, or one get by ids. */
  maxRecords?: number;
  /** Most results one get (its `limit`) or query (its `n_results`) may ask for or return. */
  maxResults?: number;
  /** Most requests in flight on one collection. */
  maxConcurrent?: number;
  /** Added to every relayed request (a remote service's round trip), so concurrent requests overlap. */
  latencyMs?: number;
}

/** What the proxy refused, and the largest requests it let through. */
export interface ChromaCloudProxyStats {
  requests: number;
  /** Requests without the right token (answered 401). */
  unauthorized: number;
  /** Requests over a quota (answered 422, or 429 for concurrency), as Cloud's message says it. */
  refused: string[];
  largestWrite: number;
  largestRead: number;
  largestQuery: number;
  peakInFlight: number;
}

export interface ChromaCloudProxy {
  /** Use as the Chroma URL. */
  url: string;
  stats(): ChromaCloudProxyStats;
  close(): Promise<void>;
}

const RECORD_ACTIONS: Record<string, string> = { add: "Add", upsert: "Upsert", update: "Update", delete: "Delete", get: "Get", query: "Query" };

/**
 * A loopback HTTP proxy in front of a real Chroma server that answers as Chroma Cloud would for
 * what kmcp must respect: 401 without the API key in `x-chroma-token`; 422 with Cloud's
 * "Quota exceeded: …" message for a write or a get by ids of more than `maxRecords` records, a
 * get or query asking for more than `maxResults` results (a get without ids and without a limit
 * counts as asking for all), and 429 beyond `maxConcurrent` requests in flight on one collection.
 * Everything else is relayed unchanged.
 */
export async function startChromaCloudProxy(target: string, rules: ChromaCloudRules): Promise<ChromaCloudProxy> {
  const maxRecords = rules.maxRecords ?? 300;
  const maxResults = rules.maxResults ?? 300;
  const maxConcurrent = rules.maxConcurrent ?? 10;
  const stats: ChromaCloudProxyStats = { requests: 0, unauthorized: 0, refused: [], largestWrite: 0, largestRead: 0, largestQuery: 0, peakInFlight: 0 };
  const inFlight = new Map<string, number>();
  const upstream = new URL(target);

  const answer = (res: ServerResponse, status: number, error: string, message: string) => {
    res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify({ error, message }));
  };
  const quota = (res: ServerResponse, what: string, action: string, usage: number | string, limit: number) => {
    const message = `Quota exceeded: '${what}' exceeded quota limit for action '${action}': current usage of ${usage} exceeds limit of ${limit}`;
    stats.refused.push(message);
    answer(res, 422, "ChromaError", message);
  };

  /** The quota this request's body is over (what, usage, limit), or null; records the largest ones allowed. */
  function overQuota(verb: string, body: Record<string, unknown>): [string, number | string, number] | null {
    const ids = Array.isArray(body.ids) ? body.ids.length : 0;
    if (ids > maxRecords) return ["Number of records", ids, maxRecords];
    const limit = typeof body.limit === "number" ? body.limit : undefined;
    if (verb === "get" && limit === undefined && !Array.isArray(body.ids)) return ["Limit value", "all records (no limit)", maxResults];
    if (verb === "get" && limit !== undefined && limit > maxResults) return ["Limit value", limit, maxResults];
    const nResults = typeof body.n_results === "number" ? body.n_results : 0;
    if (verb === "query" && nResults > maxResults) return ["Number of results", nResults, maxResults];
    if (["add", "upsert", "update"].includes(verb)) stats.largestWrite = Math.max(stats.largestWrite, ids);
    if (verb === "query") stats.largestQuery = Math.max(stats.largestQuery, nResults);
    return null;
  }

  async function relay(req: IncomingMessage, body: Buffer): Promise<{ status: number; headers: Record<string, string>; body: Buffer }> {
    return new Promise((resolve, reject) => {
      const headers = { ...req.headers, host: upstream.host };
      const forwarded = request({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers }, (response) => {
        const parts: Buffer[] = [];
        response.on("data", (part: Buffer) => parts.push(part));
        response.on("end", () => {
          const kept: Record<string, string> = {};
          for (const [name, value] of Object.entries(response.headers)) {
            if (typeof value === "string" && !["content-length", "transfer-encoding", "connection"].includes(name)) kept[name] = value;
          }
          resolve({ status: response.statusCode ?? 502, headers: kept, body: Buffer.concat(parts) });
        });
        response.on("error", reject);
      });
      forwarded.on("error", reject);
      forwarded.end(body);
    });
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    stats.requests += 1;
    const parts: Buffer[] = [];
    for await (const part of req) parts.push(part as Buffer);
    const raw = Buffer.concat(parts);
    if (req.headers["x-chroma-token"] !== rules.apiKey) {
      stats.unauthorized += 1;
      return answer(res, 401, "Unauthorized", "Unauthorized");
    }
    // …/collections/<id>/<verb>, and …/collections/<id>/count, hold a slot of that collection.
    const match = /\/collections\/([^/?]+)(?:\/([a-z_]+))?/.exec(req.url ?? "");
    const collection = match?.[1];
    const verb = match?.[2] ?? "";
    const action = Object.hasOwn(RECORD_ACTIONS, verb) ? RECORD_ACTIONS[verb] : undefined;
    const over = action && raw.length > 0 ? overQuota(verb, JSON.parse(raw.toString("utf8")) as Record<string, unknown>) : null;
    if (action && over) return quota(res, over[0], action, over[1], over[2]);
    const busy = collection && (action || verb === "count");
    if (busy) {
      const now = (inFlight.get(collection) ?? 0) + 1;
      if (now > maxConcurrent) {
        const message = `Quota exceeded: 'Concurrent requests' exceeded quota limit for collection ${collection}: current usage of ${now} exceeds limit of ${maxConcurrent}`;
        stats.refused.push(message);
        return answer(res, 429, "RateLimit", message);
      }
      inFlight.set(collection, now);
      stats.peakInFlight = Math.max(stats.peakInFlight, now);
    }
    try {
      if (rules.latencyMs) await new Promise((resolve) => setTimeout(resolve, rules.latencyMs));
      const response = await relay(req, raw);
      if ((verb === "get" || verb === "query") && response.status === 200) {
        const ids = (JSON.parse(response.body.toString("utf8")) as { ids: unknown[] }).ids ?? [];
        const returned = verb === "query" ? Math.max(0, ...ids.map((row) => (row as unknown[]).length)) : ids.length;
        if (returned > maxResults) return quota(res, "Number of results", action as string, returned, maxResults);
        if (verb === "get") stats.largestRead = Math.max(stats.largestRead, returned);
      }
      res.writeHead(response.status, response.headers).end(response.body);
    } finally {
      if (busy) inFlight.set(collection, (inFlight.get(collection) ?? 1) - 1);
    }
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: Error) => {
      if (!res.headersSent) answer(res, 502, "ProxyError", error.message);
      else res.destroy();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    stats: () => structuredClone(stats),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
