import { fileURLToPath } from "node:url";
import { vitestConfig } from "@kmcp/tooling/vitest";
import { mergeConfig } from "vitest/config";

// @kmcp/testing depends on this package, so it is reached by path instead of by a dependency
// (a cycle would break turbo's task graph); the helpers then use this package's source, so
// tests need no build first. tsconfig.json maps the same names for the type checker.
const testing = fileURLToPath(new URL("../testing/src/", import.meta.url));
const source = fileURLToPath(new URL("./src/index.ts", import.meta.url));

export default mergeConfig(vitestConfig({ globalSetup: [`${testing}chroma-setup.ts`] }), {
  resolve: {
    alias: [
      { find: /^@kmcp\/chroma-store$/, replacement: source },
      { find: /^@kmcp\/testing\/(chroma|chroma-setup)$/, replacement: `${testing}$1.ts` },
    ],
  },
});
