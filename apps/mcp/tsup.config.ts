import { tsupConfig } from "@kmcp/tooling/tsup";
import { defineConfig } from "tsup";

export default defineConfig(tsupConfig({ entry: ["src/index.ts", "src/main.ts"], splitting: true }));
