import { vitestConfig } from "@kmcp/tooling/vitest";

// The integration tests start their own HTTP server on 127.0.0.1; no database or Chroma.
export default vitestConfig({ testTimeout: 30_000 });
