import { tsupConfig } from "@kmcp/tooling/tsup";
import { defineConfig } from "tsup";

// Split, so each format's module (and its libraries) loads only when extractDocument first reads one.
export default defineConfig(tsupConfig({ splitting: true }));
