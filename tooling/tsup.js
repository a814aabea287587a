// @ts-check
/** The one build shape every kmcp package uses: ESM, typed, for Node 20. */
/** @param {import("tsup").Options} [overrides] @returns {import("tsup").Options} */
export function tsupConfig(overrides = {}) {
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
