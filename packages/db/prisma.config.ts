// Used only by the Prisma CLI while developing (generate, migrate diff). Runtime code never
// reads this: createDb() and migrate() take their options from the caller.
import path from "node:path";
import { defineConfig } from "prisma/config";

// The schema's datasource needs a URL to parse even for commands that never connect (generate).
process.env.DATABASE_URL ??= "postgresql://localhost:5432/kmcp";

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: path.join(import.meta.dirname, "../../prisma/schema.prisma"),
  // The 7.x adapter maps Postgres' `name` type, which migrate commands read (prisma/orm#27403).
  async adapter() {
    const { PrismaPg } = await import("@prisma/adapter-pg-migrate");
    return new PrismaPg({ connectionString: process.env.DATABASE_URL });
  },
});
