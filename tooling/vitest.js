// @ts-check
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const tempRoot = fileURLToPath(new URL("./temp-root-setup.js", import.meta.url));

/**
 * Three vitest projects per package, selected with `--project`:
 * - `unit`: src/**\/*.test.ts, beside the code; no server ever starts;
 * - `integration`: test/**\/*.test.ts, against real servers from the package's globalSetup;
 * - `pack`: test/pack/**\/*.test.ts, packs and installs the packages from the registry
 *   (`pnpm test:pack`, never part of the everyday `pnpm test`).
 * Each project `extends` this config (timeouts, pool, and a package's own `resolve.alias`
 * merged over it); `globalSetup` is set on the server projects only, because vitest 4 runs the
 * root config's globalSetup whichever projects are selected. Every project first gets a temp
 * directory of the run's own, removed when it ends (temp-root-setup.js); listed first, it is
 * removed last, after the servers.
 * @param {{ globalSetup?: string[]; testTimeout?: number }} [options]
 */
export function vitestConfig(options = {}) {
  const globalSetup = [tempRoot, ...(options.globalSetup ?? [])];
  return defineConfig({
    test: {
      testTimeout: options.testTimeout ?? 30_000,
      hookTimeout: 60_000,
      pool: "forks",
      projects: [
        { extends: true, test: { name: "unit", include: ["src/**/*.test.ts"], globalSetup: [tempRoot] } },
        { extends: true, test: { name: "integration", include: ["test/**/*.test.ts"], exclude: ["test/pack/**"], globalSetup } },
        { extends: true, test: { name: "pack", include: ["test/pack/**/*.test.ts"], globalSetup } },
      ],
    },
  });
}
