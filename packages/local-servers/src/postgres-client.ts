import pg from "pg";

/** Whether a PostgreSQL server accepts this connection within a second. Never throws. */
export async function canConnect(connection: string | pg.ClientConfig): Promise<boolean> {
  const config = typeof connection === "string" ? { connectionString: connection } : connection;
  const client = new pg.Client({ ...config, connectionTimeoutMillis: 1000 });
  client.on("error", () => {});
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

/** Creates `database` on the server `admin` points at, unless it exists. */
export async function ensureDatabase(admin: pg.ClientConfig, database: string): Promise<void> {
  const client = new pg.Client(admin);
  await client.connect();
  try {
    const { rowCount } = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [database]);
    if (!rowCount) await client.query(`CREATE DATABASE ${pg.escapeIdentifier(database)}`);
  } finally {
    await client.end();
  }
}
