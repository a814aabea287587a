import { vitestConfig } from "@kmcp/tooling/vitest";

export default vitestConfig({ testTimeout: 120_000 });
