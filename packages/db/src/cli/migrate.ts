#!/usr/bin/env node
// `pnpm db:migrate`: applies the shipped migrations to DATABASE_URL.
import { createDb } from "../create-db.js";
import { isDbError } from "../errors.js";

const url = process.env.DATABASE_URL;
if (!url) {
  console.error("DATABASE_URL is not set; point it at the PostgreSQL database to migrate.");
  process.exit(2);
}
try {
  const db = createDb({ url });
  const result = await db.migrate();
  console.error(
    JSON.stringify({ level: "info", msg: "migrated", appliedNow: result.appliedNow, applied: result.applied.length }),
  );
  await db.close();
} catch (error) {
  console.error(isDbError(error) ? error.message : String(error));
  process.exit(1);
}
