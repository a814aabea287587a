import { vitestConfig } from "@kmcp/tooling/vitest";

export default vitestConfig({
  globalSetup: ["@kmcp/testing/postgres-setup", "@kmcp/testing/chroma-setup"],
  testTimeout: 120_000,
});
