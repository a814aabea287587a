import type { Options } from "tsup";

/** The one build shape every kmcp package uses: ESM, typed, for Node 20. */
export function tsupConfig(overrides: Options = {}): Options {
  return {
    entry: ["src/index.ts"],
    format: ["esm"],
    target: "node20",
    platform: "node",
    dts: true,
    sourcemap: true,
    clean: true,
    splitting: false,
    ...overrides,
  };
}
