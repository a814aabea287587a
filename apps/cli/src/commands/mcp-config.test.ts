import { describe, expect, it } from "vitest";
import { serverLaunch } from "./mcp-config.js";

describe("serverLaunch", () => {
  it("passes Chroma Cloud's tenant, database and limits on, never its API key", () => {
    const env = {
      CHROMA_URL: "https://api.trychroma.com",
      CHROMA_API_KEY: "ck-never-copied-1234",
      CHROMA_TENANT: "t-1",
      CHROMA_DATABASE: "kb",
      KMCP_CHROMA_MAX_RESULTS: "300",
    };
    const launch = serverLaunch(env, "/opt/kmcp/mcp/dist/main.js");
    expect(launch.env).toEqual({ CHROMA_URL: "https://api.trychroma.com", CHROMA_TENANT: "t-1", CHROMA_DATABASE: "kb", KMCP_CHROMA_MAX_RESULTS: "300" });
    expect(JSON.stringify(launch)).not.toContain("ck-never-copied");
  });
});
