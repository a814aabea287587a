import { createServer, Socket, type AddressInfo } from "node:net";

/** A TCP proxy in front of PostgreSQL that relays everything but asynchronous notifications. */
export interface NotificationDroppingProxy {
  /** `url` with the proxy's port: use it as DATABASE_URL. */
  url: string;
  /** NotificationResponse messages dropped so far. */
  dropped(): number;
  close(): Promise<void>;
}

/**
 * Stands in for a transaction-mode pooler (PgBouncer, Supavisor): LISTEN succeeds, queries work,
 * but notifications never reach the client, because the server session that LISTENed is not the
 * client's. It parses the server's messages (type byte, int32 length) and drops every
 * NotificationResponse ('A'). Assumes no TLS (local test servers).
 */
export async function startNotificationDroppingProxy(url: string): Promise<NotificationDroppingProxy> {
  const target = new URL(url);
  let dropped = 0;
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = new Socket();
    sockets.add(client).add(upstream);
    let pending = Buffer.alloc(0);
    upstream.connect(Number(target.port), target.hostname);
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
    const closeBoth = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    for (const socket of [client, upstream]) {
      socket.on("error", closeBoth);
      socket.on("close", closeBoth);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const proxied = new URL(url);
  proxied.hostname = "127.0.0.1";
  proxied.port = String((server.address() as AddressInfo).port);
  return {
    url: proxied.toString(),
    dropped: () => dropped,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
