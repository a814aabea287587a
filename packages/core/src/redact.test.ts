import { describe, expect, it } from "vitest";
import { redactSecrets, scrubError } from "./redact.js";

describe("redactSecrets", () => {
  it("hides the whole user-info of every URL in a text (a user name can be a token)", () => {
    expect(redactSecrets("connect postgresql://kmcp:hunter22@db:5432/x failed")).toBe("connect postgresql://***@db:5432/x failed");
    const text = "failed: http://admin:s3cret@db:8000/x and https://tok@other/ too";
    const redacted = redactSecrets(text);
    expect(redacted).toBe("failed: http://***@db:8000/x and https://***@other/ too");
    expect(redacted).not.toContain("s3cret");
  });
  it("masks given secrets wherever they appear", () => {
    expect(redactSecrets('password "hunter22" rejected', ["hunter22"])).toBe('password "***" rejected');
  });
  it("masks bearer tokens and runs of a secret that a server echoed half-masked", () => {
    expect(redactSecrets("sent Authorization: Bearer abcdefgh12345678")).toBe("sent Authorization: Bearer ***");
    const echoed = redactSecrets("Incorrect API key provided: sk-proj-abcd****", ["sk-proj-abcdefgh"]);
    expect(echoed).toContain("Incorrect API key provided: ***");
    expect(echoed).not.toContain("abcd");
  });
  it("leaves text without credentials alone", () => {
    expect(redactSecrets("https://example.com/a@b")).toBe("https://example.com/a@b");
    expect(redactSecrets("see http://127.0.0.1:8000/api/v2?a=b@c")).toBe("see http://127.0.0.1:8000/api/v2?a=b@c");
  });
});

describe("scrubError", () => {
  it("redacts the message, the stack and the causes, keeping name and code", () => {
    const cause = Object.assign(new Error("key sk-secret-1 refused"), { code: "E401" });
    const error = Object.assign(new Error("call with sk-secret-1 failed", { cause }), { name: "FetchError" });
    const copy = scrubError(error, (t) => redactSecrets(t, ["sk-secret-1"]));
    expect(copy.name).toBe("FetchError");
    expect(copy.message).toBe("call with *** failed");
    expect(String(copy.stack)).not.toContain("sk-secret-1");
    expect((copy.cause as Error).message).toBe("key *** refused");
    expect((copy.cause as { code?: string }).code).toBe("E401");
  });
});
