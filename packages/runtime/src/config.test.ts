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

describe("parseKmcpEnv regressions", () => {
  it("refuses a postgresql:// URL that does not parse, without echoing it (it used to crash later, printing the password)", () => {
    for (const url of ["postgresql://kmcp:s3cr/3tPW@host:5432/db", "postgresql://kmcp:s3cr3tPW@host:99999/db", "postgresql://kmcp:s3cr3tPW@host:port/db"]) {
      let message = "";
      try {
        parseKmcpEnv({ DATABASE_URL: url });
      } catch (error) {
        message = (error as Error).message;
      }
      expect(message).toContain("DATABASE_URL: is not a valid URL");
      expect(message).not.toMatch(/s3cr/);
    }
  });
});

describe("createLogger", () => {
  it("scrubs the database password from every line", async () => {
    const { createLogger } = await import("./logger.js");
    const lines: string[] = [];
    const config = parseKmcpEnv({ DATABASE_URL: "postgresql://kmcp:s3cret-pw@db:5432/kmcp", KMCP_LOG_LEVEL: "info" });
    const logger = createLogger(config, { write: (line) => lines.push(line) });
    logger.warn("could not connect", { error: 'password "s3cret-pw" rejected', url: "postgresql://kmcp:s3cret-pw@db/kmcp" });
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toContain("s3cret-pw");
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: "warn", msg: "could not connect" });
  });
});
