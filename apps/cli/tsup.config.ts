import { tsupConfig } from "@kmcp/tooling/tsup";
import { defineConfig } from "tsup";

export default defineConfig(tsupConfig({ entry: ["src/main.ts"], dts: false, banner: { js: "#!/usr/bin/env node" } }));
