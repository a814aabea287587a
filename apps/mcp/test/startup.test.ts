import { describe, expect, it } from "vitest";
import { call, connectStdio, tempHome, text } from "./harness.js";
import { TOOL_NAMES } from "./tool-names.js";

describe("start-up", () => {
  it("answers initialize and tools/list without touching the databases, and fails tool calls plainly when nothing is reachable", async () => {
    const session = await connectStdio({
      DATABASE_URL: "postgresql://kmcp:pw-never-shown@127.0.0.1:1/kmcp",
      CHROMA_URL: "http://127.0.0.1:1",
      KMCP_HOME: await tempHome(),
    });
    try {
      expect((await session.client.listTools()).tools.map((t) => t.name).sort()).toEqual(TOOL_NAMES);
      const result = await call(session.client, "knowledge_sources");
      expect(result.isError).toBe(true);
      expect(text(result)).toMatch(/unreachable|mirror/i);
      expect(text(result)).not.toContain("pw-never-shown");
      const search = await call(session.client, "knowledge_search", { query: "anything" });
      expect(search.isError).toBe(true);
      expect(text(search)).toMatch(/^Search is unavailable: the search index \(Chroma\) cannot be reached/);
      expect(text(search)).not.toContain("pw-never-shown");
      // Still alive after the failure.
      expect((await session.client.listTools()).tools.map((t) => t.name).sort()).toEqual(TOOL_NAMES);
    } finally {
      await session.close();
    }
  });
});
