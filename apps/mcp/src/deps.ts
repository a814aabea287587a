import type { Kmcp } from "@kmcp/runtime";

/** What the tools need. `kmcp.ready()` connects on first use, so start-up stays instant. */
export interface ServerDeps {
  kmcp: Kmcp;
}
