import { vitestConfig } from "@kmcp/tooling/vitest";

export default vitestConfig({ testTimeout: 60_000 });
