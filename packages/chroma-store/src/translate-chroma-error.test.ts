import { ChromaClientError, ChromaConnectionError, ChromaNotFoundError, ChromaQuotaExceededError, ChromaUniqueError, ChromaUnauthorizedError } from "chromadb";
import { describe, expect, it } from "vitest";
import { ChromaStoreError } from "./errors.js";
import { translateChromaError } from "./translate-chroma-error.js";

// The real error classes chromadb throws, built as it builds them.
describe("translateChromaError", () => {
  it("maps chromadb's errors to codes, keeping the original as cause", () => {
    const down = new ChromaConnectionError("Failed to connect to chromadb.");
    const translated = translateChromaError(down, "sending a heartbeat", "http://127.0.0.1:1");
    expect(translated).toBeInstanceOf(ChromaStoreError);
    expect(translated.code).toBe("UNREACHABLE");
    expect(translated.cause).toBe(down);
    expect(translated.message).toContain("http://127.0.0.1:1");
    expect(translated.message).toContain("sending a heartbeat");
    expect(translateChromaError(new ChromaNotFoundError("gone"), "x", "u").code).toBe("NOT_FOUND");
    expect(translateChromaError(new ChromaUniqueError("exists"), "x", "u").code).toBe("CONFLICT");
    expect(translateChromaError(new ChromaClientError("Bad request"), "x", "u").code).toBe("VALIDATION");
  });

  it("recognises a raw fetch failure by its socket error code", () => {
    const refused = new TypeError("fetch failed", { cause: Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" }) });
    expect(translateChromaError(refused, "x", "u").code).toBe("UNREACHABLE");
  });

  it("calls a timeout a timeout and anything else UNKNOWN", () => {
    expect(translateChromaError(Object.assign(new Error("slow"), { name: "TimeoutError" }), "x", "u").code).toBe("TIMEOUT");
    expect(translateChromaError(new RangeError("odd"), "x", "u").code).toBe("UNKNOWN");
    expect(translateChromaError("a string", "x", "u").code).toBe("UNKNOWN");
  });

  it("passes its own errors through unchanged", () => {
    const own = new ChromaStoreError("CORRUPT", "bad");
    expect(translateChromaError(own, "x", "u")).toBe(own);
  });

  it("keeps credentials out of messages", () => {
    const leaky = new ChromaClientError("Bad request to http://admin:hunter2@host:8000/api");
    const translated = translateChromaError(leaky, "writing", "http://admin:hunter2@host:8000");
    expect(translated.message).not.toContain("hunter2");
    expect(translated.message).toContain("http://***@host:8000");
  });

  it("names a quota refusal (Chroma Cloud's 422) and the limits that avoid it", () => {
    const quota = new ChromaQuotaExceededError("Quota exceeded: 'Number of records' exceeded quota limit for action 'Upsert': current usage of 301 exceeds limit of 300");
    const translated = translateChromaError(quota, "writing 301 sources", "https://api.trychroma.com:443");
    expect(translated.code).toBe("VALIDATION");
    expect(translated.data).toMatchObject({ reason: "quota" });
    expect(translated.message).toContain("current usage of 301 exceeds limit of 300");
    expect(translated.message).toContain("maxBatchSize");
  });

  it("masks the given secrets (an API key) wherever the server echoed them", () => {
    const echoed = new ChromaClientError("Bad request: token ck-abcdefgh12345678 is not valid for tenant x");
    const translated = translateChromaError(echoed, "writing", "https://h:443", ["ck-abcdefgh12345678"]);
    expect(translated.message).not.toContain("ck-abcdefgh12345678");
    // Regression: a 401 (ChromaUnauthorizedError, which names itself ChromaAuthError) was UNKNOWN.
    const refused = translateChromaError(new ChromaUnauthorizedError("Unauthorized"), "x", "u");
    expect(refused.code).toBe("UNAUTHORIZED");
    expect(refused.message).toContain("API key");
  });
});
