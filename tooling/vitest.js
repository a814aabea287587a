// @ts-check
import { defineConfig } from "vitest/config";

/**
 * Unit tests live beside the code (src/**\/*.test.ts) and need nothing running.
 * Integration tests live in test/ and get real servers from the package's globalSetup.
 * @param {{ globalSetup?: string[]; testTimeout?: number }} [options]
 */
export function vitestConfig(options = {}) {
  return defineConfig({
    test: {
      include: ["src/**/*.test.ts", "test/**/*.test.ts"],
      globalSetup: options.globalSetup ?? [],
      testTimeout: options.testTimeout ?? 30_000,
      hookTimeout: 60_000,
      pool: "forks",
    },
  });
}
