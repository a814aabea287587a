import { describe, expect, it } from "vitest";
import { redactCredentials } from "./redact-credentials.js";

describe("redactCredentials", () => {
  it("hides user and password in every URL of a text", () => {
    const text = "failed: http://admin:s3cret@db:8000/x and https://tok@other/ too";
    const redacted = redactCredentials(text);
    expect(redacted).toBe("failed: http://***@db:8000/x and https://***@other/ too");
    expect(redacted).not.toContain("s3cret");
  });

  it("leaves URLs without credentials alone", () => {
    expect(redactCredentials("see http://127.0.0.1:8000/api/v2?a=b@c")).toBe("see http://127.0.0.1:8000/api/v2?a=b@c");
  });
});
