import { tsupConfig } from "@kmcp/tooling/tsup";
import { defineConfig } from "tsup";

export default defineConfig(
  tsupConfig({
    entry: ["src/index.ts", "src/sync-entry.ts", "src/cli/migrate.ts"],
    // Shared chunks, so DbError is one class whichever entry point it is imported from.
    splitting: true,
  }),
);
