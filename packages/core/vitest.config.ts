import { vitestConfig } from "@kmcp/tooling/vitest";

export default vitestConfig();
