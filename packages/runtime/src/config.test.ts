import { describe, expect, it } from "vitest";
import { parseKmcpEnv } from "./config.js";

describe("parseKmcpEnv", () => {
  it("defaults to the embedded services", () => {
    expect(parseKmcpEnv({ KMCP_HOME: "/tmp/k" })).toMatchObject({ databaseUrl: undefined, chromaUrl: undefined, home: "/tmp/k", logLevel: "warn" });
  });
  it("rejects bad values by name without echoing a password", () => {
    let message = "";
    try {
      parseKmcpEnv({ DATABASE_URL: "mysql://u:hunter22@h/db", CHROMA_URL: "ftp://x", KMCP_SYNC_INTERVAL_MS: "5" });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain("DATABASE_URL");
    expect(message).toContain("CHROMA_URL");
    expect(message).toContain("KMCP_SYNC_INTERVAL_MS");
    expect(message).not.toContain("hunter22");
  });
});
