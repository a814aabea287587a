import { tsupConfig } from "@kmcp/tooling/tsup";
import { defineConfig } from "tsup";

// Entry points sharing chunks (one ConfigError class): the whole assembly, configuration alone
// (`./config`) and the sync services alone (`./sync`), so a process that only syncs loads no search.
export default defineConfig(tsupConfig({ entry: ["src/index.ts", "src/config-entry.ts", "src/sync-entry.ts"], splitting: true }));
