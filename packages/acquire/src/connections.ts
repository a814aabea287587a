import type { LookupAddress } from "node:dns";
import type { Agent } from "undici";
import { AcquireError } from "./errors.js";
import { loadUndici } from "./undici.js";

/** An undici lookup that answers `host` with its vetted address and refuses any other name. */
export function pinnedLookup(addressOf: (hostname: string) => LookupAddress | undefined) {
  return (hostname: string, options: { all?: boolean }, callback: (error: Error | null, address: string | LookupAddress[], family?: number) => void) => {
    const address = addressOf(hostname.toLowerCase());
    if (!address) return callback(new AcquireError("FORBIDDEN_ADDRESS", `${hostname} was not checked before connecting`), "");
    if (options.all) return callback(null, [address]);
    return callback(null, address.address, address.family);
  };
}

/**
 * Connections kept open across fetches (HTTP keep-alive), for a caller that fetches many pages of
 * a few hosts (a crawl). One agent per host name and vetted address: every hop is still resolved
 * and checked first, and a connection is reused only for the same host at the same address it was
 * vetted at (a new DNS answer gets an agent, and connections, of its own). Close it when done.
 */
export class ConnectionPool {
  private readonly agents = new Map<string, Agent>();
  private closed = false;

  /** The agent that connects `host` (lower-case, IPv6 literals bracketed) to `address` only. */
  async agentFor(host: string, address: LookupAddress, connectTimeoutMs: number): Promise<Agent> {
    const { Agent } = await loadUndici();
    if (this.closed) throw new AcquireError("VALIDATION", "The connection pool is closed.");
    const key = `${host}\n${address.address}\n${connectTimeoutMs}`;
    let agent = this.agents.get(key);
    if (!agent) {
      agent = new Agent({ connect: { timeout: connectTimeoutMs, lookup: pinnedLookup((name) => (name === host || `[${name}]` === host ? address : undefined)) } });
      this.agents.set(key, agent);
    }
    return agent;
  }

  /** Close every connection (requests in flight finish first). Idempotent. */
  async close(): Promise<void> {
    this.closed = true;
    const agents = [...this.agents.values()];
    this.agents.clear();
    await Promise.all(agents.map((agent) => agent.close().catch(() => undefined)));
  }
}
