import { fileURLToPath } from "node:url";
import { vitestConfig } from "@kmcp/tooling/vitest";
import { mergeConfig } from "vitest/config";

// @kmcp/testing depends on @kmcp/db, so db reaches the helpers by path instead of by a
// dependency (a dependency cycle would break turbo's task graph).
const testing = fileURLToPath(new URL("../testing/src/", import.meta.url));

export default mergeConfig(vitestConfig({ globalSetup: [`${testing}postgres-setup.ts`] }), {
  resolve: {
    alias: {
      "@kmcp/testing/postgres": `${testing}postgres.ts`,
      "@kmcp/testing/pack": `${testing}pack.ts`,
      // The helpers import this package by name; in its own tests that means its source.
      "@kmcp/db/local-postgres": fileURLToPath(new URL("./src/local-postgres.ts", import.meta.url)),
    },
  },
});
