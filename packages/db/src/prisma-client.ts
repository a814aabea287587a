import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "./generated/prisma/client.js";

export interface PrismaClientOptions {
  url: string;
  connectTimeoutMs: number;
  queryTimeoutMs: number | undefined;
  poolSize: number;
}

/** Prisma over the pg driver adapter: no native query engine, and bounded waits. */
export function createPrismaClient(options: PrismaClientOptions) {
  const adapter = new PrismaPg({
    connectionString: options.url,
    connectionTimeoutMillis: options.connectTimeoutMs,
    query_timeout: options.queryTimeoutMs,
    max: options.poolSize,
    idleTimeoutMillis: 10_000,
    // A checked-out client has no 'error' listener until its user attaches one (adapter-pg's
    // transactions do so only after an await), and pg throws an unhandled 'error' — killing the
    // process — when PostgreSQL dies in that gap. Queries still get their errors; this only
    // keeps a dying connection from crashing us.
    onConnect: (client) => {
      client.on("error", () => {});
    },
  });
  // changeTxid is the change feed's bookkeeping, not part of the domain model.
  return new PrismaClient({ adapter, omit: { source: { changeTxid: true } } });
}

export type KmcpPrismaClient = ReturnType<typeof createPrismaClient>;
export type KmcpTransactionClient = Parameters<Parameters<KmcpPrismaClient["$transaction"]>[0]>[0];
