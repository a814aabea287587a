import http from "node:http";
import https from "node:https";
import type { Metadata } from "chromadb";
import { collectionPath, refusal, type CollectionPath } from "./chroma-rest.js";
import type { ResolvedChromaStoreOptions } from "./options.js";

/**
 * Chroma's REST API (collections, records, heartbeat, pre-flight checks) as JSON over node:http
 * with a keep-alive agent, as the chromadb client would send it. The client goes through the
 * global fetch, whose first use loads Node's bundled undici and its web streams (~50 ms of CPU,
 * more than a no-op sync's requests together; BENCHMARKS.md, figure 14), and importing it costs
 * ~30 ms more. The caller (ChromaConnection) bounds each request by the store's timeout and
 * translates failures; refusals are named as the chromadb client names them.
 */
export interface ChromaHttp {
  request<T>(method: "GET" | "POST" | "PUT" | "DELETE", path: string, body?: unknown): Promise<T>;
  /** A request to one of a collection's record endpoints: count is read with GET, the others POST `body`. */
  records<T>(collection: CollectionPath, endpoint: RecordEndpoint, body?: unknown): Promise<T>;
  /** Replace a collection's whole metadata. */
  modifyMetadata(collection: CollectionPath, metadata: Metadata): Promise<void>;
  /** Close idle connections; requests in flight finish, and the next request opens a new connection. */
  close(): void;
}

export type RecordEndpoint = "get" | "count" | "upsert" | "delete";

/** A collection as Chroma describes it when it is opened (what the REST endpoints address, and its metadata then). */
export interface CollectionRef extends CollectionPath {
  name: string;
  metadata: Metadata | null;
}

export function createChromaHttp(options: Pick<ResolvedChromaStoreOptions, "ssl" | "host" | "port" | "headers">): ChromaHttp {
  const transport = options.ssl ? https : http;
  // An IPv6 host is kept bracketed in the options (for URLs); node:http wants it bare.
  const hostname = options.host.replace(/^\[(.*)\]$/, "$1");
  // Idle sockets do not hold the process open (the agent unrefs them).
  let agent: http.Agent | undefined;

  function request<T>(method: "GET" | "POST" | "PUT" | "DELETE", path: string, body?: unknown) {
    // Encoded once (an upsert's body is megabytes).
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    agent ??= new transport.Agent({ keepAlive: true });
    const headers = { ...options.headers, ...(payload === undefined ? {} : { "content-type": "application/json", "content-length": payload.length }) };
    const send = (): Promise<T> =>
      new Promise<T>((resolve, reject) => {
        const req = transport.request({ hostname, port: options.port, method, path, headers, agent }, (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (chunk: Buffer) => chunks.push(chunk));
          res.on("error", reject);
          res.on("end", () => {
            const text = Buffer.concat(chunks).toString("utf8");
            const status = res.statusCode ?? 0;
            if (status < 200 || status >= 300) return reject(refusal(status, text));
            try {
              resolve((text ? JSON.parse(text) : undefined) as T);
            } catch (error) {
              reject(error);
            }
          });
        });
        req.on("error", (error: NodeJS.ErrnoException) => {
          // A kept-alive connection that the server (or a proxy in front of it) closed while it sat
          // idle fails the next request sent on it, before any answer. Node's documented remedy is
          // to send it again: every request here is idempotent, and each retry uses up one such
          // connection, so it ends on a live one or a new one (whose failure is final).
          if (req.reusedSocket && (error.code === "ECONNRESET" || error.code === "EPIPE")) resolve(send());
          else reject(error);
        });
        req.end(payload);
      });
    return send();
  }

  return {
    request,
    records: (collection, endpoint, body) => request(endpoint === "count" ? "GET" : "POST", collectionPath(collection, endpoint), body),
    modifyMetadata: (collection, metadata) => request("PUT", collectionPath(collection), { new_metadata: metadata }),
    close() {
      const old = agent;
      agent = undefined;
      // Sockets in use are left to finish their request (then idle, unreferenced, until the server closes them).
      for (const sockets of Object.values(old?.freeSockets ?? {})) for (const socket of sockets ?? []) socket.destroy();
    },
  };
}
