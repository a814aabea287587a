import type { Kmcp } from "@kmcp/runtime";

/** What the tools need. `kmcp.ready()` connects on first use, so start-up stays instant. */
export interface ServerDeps {
  kmcp: Kmcp;
  /** The health report (see @kmcp/health); the status tool includes it when given. */
  healthReport?: () => Promise<Record<string, unknown> & { status: "pass" | "warn" | "fail" }>;
}
