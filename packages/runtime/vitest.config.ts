import { vitestConfig } from "@kmcp/tooling/vitest";

export default vitestConfig({ globalSetup: ["@kmcp/testing/postgres-setup"], testTimeout: 120_000 });
