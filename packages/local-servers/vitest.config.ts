import { vitestConfig } from "@kmcp/tooling/vitest";

// No shared servers: every test starts the servers it needs (this package is what starts them).
export default vitestConfig({ testTimeout: 120_000 });
