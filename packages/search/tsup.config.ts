import { tsupConfig } from "@kmcp/tooling/tsup";
import { defineConfig } from "tsup";

// Entry points sharing chunks: the whole package, its light settings (`./config`), and the
// rankings' internals for the evaluation (`./internals`).
export default defineConfig(tsupConfig({ entry: ["src/index.ts", "src/config.ts", "src/internals.ts", "src/prepare-worker.ts"], splitting: true }));
