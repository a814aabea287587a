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
  });
  // changeTxid is the change feed's bookkeeping, not part of the domain model.
  return new PrismaClient({ adapter, omit: { source: { changeTxid: true } } });
}

export type KmcpPrismaClient = ReturnType<typeof createPrismaClient>;
export type KmcpTransactionClient = Parameters<Parameters<KmcpPrismaClient["$transaction"]>[0]>[0];
