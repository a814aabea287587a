import { tsupConfig } from "@kmcp/tooling/tsup";
import { defineConfig } from "tsup";

// Two entry points sharing chunks: the whole package, and its light settings (`./config`).
export default defineConfig(tsupConfig({ entry: ["src/index.ts", "src/config.ts"], splitting: true }));
