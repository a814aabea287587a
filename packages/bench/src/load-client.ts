// A small, bounded MCP load client: `clients` concurrent clients over Streamable HTTP, each on its
// own keep-alive connection, that initialize as MCP clients do and then call tools back to back
// until the deadline. Loopback only, and it stops by itself.
import { Agent, request } from "node:http";

export interface ToolCall {
  tool: string;
  args: Record<string, unknown>;
}

export interface LoadResult {
  /** Latency of every successful call, ms, by tool. */
  latencies: Map<string, number[]>;
  calls: number;
  errors: number;
  /** The first few failures, to say what went wrong. */
  failures: string[];
  elapsedMs: number;
}

const PROTOCOL_VERSION = "2025-06-18";

function post(agent: Agent, url: URL, headers: Record<string, string>, body: unknown): Promise<{ status: number; text: string }> {
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: "POST",
        agent,
        headers: {
          "content-type": "application/json",
          accept: "application/json, text/event-stream",
          "mcp-protocol-version": PROTOCOL_VERSION,
          "content-length": Buffer.byteLength(payload),
          ...headers,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8") }));
        res.on("error", reject);
      },
    );
    req.setTimeout(30_000, () => req.destroy(new Error("no answer within 30 s")));
    req.on("error", reject);
    req.end(payload);
  });
}

/** Why a tools/call answer is not a success, or undefined when it is one. */
function failureOf(status: number, text: string): string | undefined {
  if (status !== 200) return `HTTP ${status}: ${text.slice(0, 200)}`;
  const message = JSON.parse(text) as { result?: { isError?: boolean; structuredContent?: unknown; content?: { text?: string }[] }; error?: { message: string } };
  if (message.error) return `JSON-RPC error: ${message.error.message}`;
  if (message.result?.isError) return `tool error: ${message.result.content?.[0]?.text?.slice(0, 200)}`;
  if (!message.result?.structuredContent) return "no structuredContent";
  return undefined;
}

/** One call on a connection of its own, for the answer itself (a JSON-RPC result); throws unless it succeeded. */
export async function callTool(url: string, headers: Record<string, string>, { tool, args }: ToolCall): Promise<unknown> {
  const agent = new Agent();
  try {
    const { status, text } = await post(agent, new URL(url), headers, { jsonrpc: "2.0", id: 1, method: "tools/call", params: { name: tool, arguments: args } });
    const why = failureOf(status, text);
    if (why) throw new Error(`${tool} failed: ${why}`);
    return (JSON.parse(text) as { result: unknown }).result;
  } finally {
    agent.destroy();
  }
}

/**
 * Runs the load: each client initializes, then calls `calls` in turn (client i starting at
 * calls[i % calls.length], so all kinds run at once) until `durationMs` has passed.
 */
export async function runLoad(options: { url: string; headers?: Record<string, string>; clients: number; durationMs: number; calls: readonly ToolCall[] }): Promise<LoadResult> {
  const url = new URL(options.url);
  const headers = options.headers ?? {};
  const agent = new Agent({ keepAlive: true, maxSockets: options.clients });
  const result: LoadResult = { latencies: new Map(), calls: 0, errors: 0, failures: [], elapsedMs: 0 };
  const fail = (why: string) => {
    result.errors++;
    if (result.failures.length < 5) result.failures.push(why);
  };

  async function client(index: number, deadline: number) {
    const init = await post(agent, url, headers, {
      jsonrpc: "2.0",
      id: 0,
      method: "initialize",
      params: { protocolVersion: PROTOCOL_VERSION, capabilities: {}, clientInfo: { name: `load-${index}`, version: "1" } },
    });
    if (init.status !== 200) return fail(`initialize: HTTP ${init.status}`);
    await post(agent, url, headers, { jsonrpc: "2.0", method: "notifications/initialized" });
    for (let id = 1; performance.now() < deadline; id++) {
      const { tool, args } = options.calls[(index + id) % options.calls.length]!;
      const started = performance.now();
      try {
        const { status, text } = await post(agent, url, headers, { jsonrpc: "2.0", id, method: "tools/call", params: { name: tool, arguments: args } });
        const elapsed = performance.now() - started;
        result.calls++;
        const why = failureOf(status, text);
        if (why) fail(`${tool}: ${why}`);
        else (result.latencies.get(tool) ?? result.latencies.set(tool, []).get(tool)!).push(elapsed);
      } catch (error) {
        result.calls++;
        fail(`${tool}: ${(error as Error).message}`);
      }
    }
  }

  const started = performance.now();
  const deadline = started + options.durationMs;
  await Promise.all(Array.from({ length: options.clients }, (_, i) => client(i, deadline).catch((error: Error) => fail(`client ${i}: ${error.message}`))));
  result.elapsedMs = performance.now() - started;
  agent.destroy();
  return result;
}
