import { tsupConfig } from "@kmcp/tooling/tsup";
import { defineConfig } from "tsup";

// The hashbang lands on every entry; Node accepts one in an imported module too.
export default defineConfig(tsupConfig({ entry: ["src/index.ts", "src/main.ts"], splitting: true, banner: { js: "#!/usr/bin/env node" } }));
