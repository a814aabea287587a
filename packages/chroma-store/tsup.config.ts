import { tsupConfig } from "@kmcp/tooling/tsup";
import { defineConfig } from "tsup";

// Splitting puts shared code (ChromaStoreError above all) in one chunk, so an error thrown via
// the ./local-chroma entry is still `instanceof` the class exported from the main entry.
export default defineConfig(tsupConfig({ entry: ["src/index.ts", "src/local-chroma.ts"], splitting: true }));
