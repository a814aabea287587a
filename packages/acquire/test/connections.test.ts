import { createServer, type Server } from "node:http";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ConnectionPool, fetchDocument, isAcquireError, type FetchOptions } from "../src/index.js";
import { closeServer, listenOnLoopback } from "@kmcp/testing/http";

let server: Server;
let base: string;
let port: string;
const hits: string[] = [];
let connections = 0;

beforeAll(async () => {
  server = createServer((req, res) => {
    hits.push(req.url ?? "");
    if (req.url === "/robots.txt") return res.writeHead(404).end();
    if (req.url === "/moved") return res.writeHead(301, { location: "/page?to" }).end();
    res.writeHead(200, { "content-type": "text/plain" }).end(`page ${req.url}`);
  });
  server.on("connection", () => connections++);
  base = await listenOnLoopback(server);
  port = new URL(base).port;
});
afterAll(() => closeServer(server));
beforeEach(() => {
  hits.length = 0;
  connections = 0;
});

const local: FetchOptions = { allowPrivate: true, timeoutMs: 5_000, robots: false };

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (isAcquireError(error)) return error.code;
    throw error;
  }
  return "fetched";
}

describe("ConnectionPool (keep-alive across fetches)", () => {
  it("reuses connections for fetches of the same host, redirects included; without a pool each fetch opens its own", async () => {
    const paths = ["/moved", ...Array.from({ length: 9 }, (_, i) => `/p${i}`)];
    const pool = new ConnectionPool();
    try {
      for (const path of paths) await fetchDocument(`${base}${path}`, { ...local, connections: pool });
    } finally {
      await pool.close();
    }
    expect(hits).toEqual(["/moved", "/page?to", ...paths.slice(1)]);
    // undici may open a second connection when the first is released a moment after the body is read.
    expect(connections).toBeLessThanOrEqual(2);

    connections = 0;
    for (const path of paths.slice(1)) await fetchDocument(`${base}${path}`, local);
    expect(connections).toBe(9);
  });

  it("still vets every fetch: a host not allowed is refused before connecting, though the pool holds a connection to its address", async () => {
    const lookup = async () => [{ address: "127.0.0.1", family: 4 }];
    const pool = new ConnectionPool();
    try {
      const options: FetchOptions = { lookup, allowHosts: ["allowed.test"], timeoutMs: 5_000, robots: false, connections: pool };
      expect(await codeOf(fetchDocument(`http://allowed.test:${port}/a`, options))).toBe("fetched");
      expect(await codeOf(fetchDocument(`http://other.test:${port}/b`, options))).toBe("FORBIDDEN_ADDRESS");
    } finally {
      await pool.close();
    }
    expect(hits).toEqual(["/a"]);
  });

  it("connects to the address of the latest DNS answer, not over a connection kept to the previous one", async () => {
    // The server listens on 127.0.0.1 only: once the name resolves to 127.0.0.2, a fetch must fail
    // to connect rather than succeed over the kept-alive connection to 127.0.0.1.
    let address = "127.0.0.1";
    const lookup = async () => [{ address, family: 4 }];
    const pool = new ConnectionPool();
    try {
      const options: FetchOptions = { lookup, allowPrivate: true, timeoutMs: 5_000, robots: false, connections: pool };
      expect(await codeOf(fetchDocument(`http://docs.test:${port}/a`, options))).toBe("fetched");
      address = "127.0.0.2";
      expect(await codeOf(fetchDocument(`http://docs.test:${port}/b`, options))).toBe("UNREACHABLE");
    } finally {
      await pool.close();
    }
    expect(hits).toEqual(["/a"]);
  });

  it("refuses fetches once closed", async () => {
    const pool = new ConnectionPool();
    await pool.close();
    expect(await codeOf(fetchDocument(`${base}/a`, { ...local, connections: pool }))).toBe("VALIDATION");
    expect(hits).toEqual([]);
  });
});
