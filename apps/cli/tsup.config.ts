import { tsupConfig } from "@kmcp/tooling/tsup";
import { defineConfig } from "tsup";

// Split into chunks, so `kmcp sync …` (src/sync-program.ts) loads only the sync command's dependencies.
export default defineConfig(tsupConfig({ entry: ["src/main.ts"], dts: false, splitting: true, banner: { js: "#!/usr/bin/env node" } }));
