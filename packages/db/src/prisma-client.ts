import { PrismaPg } from "@prisma/adapter-pg";
import type pg from "pg";
import { PrismaClient } from "./generated/prisma/client.js";

type PgAdapter = Awaited<ReturnType<PrismaPg["connect"]>>;
type PgTransaction = Awaited<ReturnType<PgAdapter["startTransaction"]>>;

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
  const connect = adapter.connect.bind(adapter);
  adapter.connect = async () => {
    const driver = await connect();
    const startTransaction = driver.startTransaction.bind(driver);
    driver.startTransaction = async (isolationLevel) => releasedWhenEndFails(await startTransaction(isolationLevel));
    return driver;
  };
  // changeTxid is the change feed's bookkeeping, not part of the domain model.
  return new PrismaClient({ adapter, omit: { source: { changeTxid: true } } });
}

/**
 * adapter-pg gives a transaction's connection back in commit() or rollback(), which Prisma calls
 * only once its COMMIT or ROLLBACK statement has succeeded. When that statement fails (the
 * connection died), Prisma marks the transaction closed and calls neither: the connection stays
 * checked out for good. A few crashes of PostgreSQL at the wrong moment and the pool runs dry
 * (every query then waits and fails), and closing it waits forever. This discards the connection
 * when either statement fails, and gives it back at most once.
 */
function releasedWhenEndFails(transaction: PgTransaction): PgTransaction {
  // adapter-pg's transaction holds its pool client here (protected in its types).
  const { client } = transaction as unknown as { client: pg.PoolClient };
  let released = false;
  const executeRaw = transaction.executeRaw.bind(transaction);
  transaction.executeRaw = async (query) => {
    try {
      return await executeRaw(query);
    } catch (error) {
      if (!released && (query.sql === "COMMIT" || query.sql === "ROLLBACK")) {
        released = true;
        client.release(true);
      }
      throw error;
    }
  };
  for (const end of ["commit", "rollback"] as const) {
    const original = transaction[end].bind(transaction);
    transaction[end] = async () => {
      if (released) return;
      released = true;
      await original();
    };
  }
  return transaction;
}

export type KmcpPrismaClient = ReturnType<typeof createPrismaClient>;
export type KmcpTransactionClient = Parameters<Parameters<KmcpPrismaClient["$transaction"]>[0]>[0];
