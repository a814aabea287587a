import { createServer, Socket, type AddressInfo } from "node:net";

/** A TCP proxy in front of PostgreSQL. */
interface PgProxy {
  /** `url` with the proxy's port: use it as DATABASE_URL. */
  url: string;
  close(): Promise<void>;
}

/** A proxy that relays everything but asynchronous notifications. */
export interface NotificationDroppingProxy extends PgProxy {
  /** NotificationResponse messages dropped so far. */
  dropped(): number;
}

/** A proxy that drops a connection when its client sends a chosen statement. */
export interface StatementCuttingProxy extends PgProxy {
  /**
   * From now on, a connection whose client sends `statement` as a simple query is closed on both
   * sides before the statement reaches the server; `null` relays everything again.
   */
  cutAt(statement: string | null): void;
  /** Connections cut so far. */
  cuts(): number;
}

interface Relay {
  client: Socket;
  upstream: Socket;
  /** Closes both sides. */
  cut(): void;
}

/**
 * Relays each connection to `url`'s server; `onConnection` attaches the relaying 'data' handlers
 * (both directions), so a proxy can look at the protocol messages it passes on.
 */
async function startRelay(url: string, onConnection: (relay: Relay) => void): Promise<PgProxy> {
  const target = new URL(url);
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = new Socket();
    sockets.add(client).add(upstream);
    upstream.connect(Number(target.port), target.hostname);
    const cut = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    for (const socket of [client, upstream]) {
      socket.on("error", cut);
      socket.on("close", cut);
    }
    onConnection({ client, upstream, cut });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const proxied = new URL(url);
  proxied.hostname = "127.0.0.1";
  proxied.port = String((server.address() as AddressInfo).port);
  return {
    url: proxied.toString(),
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/**
 * Stands in for a transaction-mode pooler (PgBouncer, Supavisor): LISTEN succeeds, queries work,
 * but notifications never reach the client, because the server session that LISTENed is not the
 * client's. It parses the server's messages (type byte, int32 length) and drops every
 * NotificationResponse ('A'). Assumes no TLS (local test servers).
 */
export async function startNotificationDroppingProxy(url: string): Promise<NotificationDroppingProxy> {
  let dropped = 0;
  const relay = await startRelay(url, ({ client, upstream }) => {
    let pending = Buffer.alloc(0);
    client.on("data", (chunk) => upstream.write(chunk));
    upstream.on("data", (chunk) => {
      pending = Buffer.concat([pending, chunk]);
      const keep: Buffer[] = [];
      while (pending.length >= 5) {
        const size = 1 + pending.readInt32BE(1);
        if (pending.length < size) break;
        if (pending[0] === 0x41 /* 'A' */) dropped++;
        else keep.push(pending.subarray(0, size));
        pending = pending.subarray(size);
      }
      if (keep.length > 0) client.write(Buffer.concat(keep));
    });
  });
  return { ...relay, dropped: () => dropped };
}

/**
 * Loses connections at a chosen moment, as a server crash or a network cut would: for example
 * at a transaction's COMMIT. It looks for the statement's simple-query message ('Q', int32
 * length, text, NUL) in what the client sends. Assumes no TLS (local test servers).
 */
export async function startStatementCuttingProxy(url: string): Promise<StatementCuttingProxy> {
  let message: Buffer | null = null;
  let cuts = 0;
  const relay = await startRelay(url, ({ client, upstream, cut }) => {
    client.on("data", (chunk: Buffer) => {
      if (message && chunk.includes(message)) {
        cuts++;
        cut();
      } else upstream.write(chunk);
    });
    upstream.on("data", (chunk) => client.write(chunk));
  });
  return {
    ...relay,
    cutAt(statement) {
      if (statement === null) {
        message = null;
        return;
      }
      const text = Buffer.from(`${statement}\0`);
      const header = Buffer.alloc(5);
      header.write("Q");
      header.writeInt32BE(4 + text.length, 1);
      message = Buffer.concat([header, text]);
    },
    cuts: () => cuts,
  };
}
