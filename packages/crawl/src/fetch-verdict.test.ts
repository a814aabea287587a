import { AcquireError } from "@kmcp/acquire";
import { describe, expect, it } from "vitest";
import { fetchVerdict } from "./fetch-verdict.js";

const http = (status: number, retryAfterMs?: number) =>
  new AcquireError("HTTP", `x answered HTTP ${status}.`, { data: { status, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) } });

describe("fetchVerdict", () => {
  it("retries 429 and 503 after Retry-After, else with back-off, then gives up", () => {
    expect(fetchVerdict(http(429, 1_500), 0, 3)).toEqual({ kind: "retry", waitMs: 1_500, reason: "HTTP 429" });
    expect(fetchVerdict(http(503), 1, 3, () => 1)).toEqual({ kind: "retry", waitMs: 2_000, reason: "HTTP 503" });
    expect(fetchVerdict(http(429, 1_500), 2, 3)).toMatchObject({ kind: "failed", hostFailure: true });
  });

  it.each([
    [http(404), { kind: "gone", reason: "HTTP 404" }],
    [http(410), { kind: "gone", reason: "HTTP 410" }],
    [http(500), { kind: "failed", hostFailure: true }],
    [http(403), { kind: "failed", hostFailure: false }],
    [new AcquireError("ROBOTS", "no"), { kind: "skipped", reason: "robots" }],
    [new AcquireError("UNSUPPORTED_TYPE", "image/png"), { kind: "skipped", reason: "type" }],
    [new AcquireError("TIMEOUT", "slow"), { kind: "failed", hostFailure: true }],
    [new AcquireError("UNREACHABLE", "refused"), { kind: "failed", hostFailure: true }],
    [new AcquireError("TOO_LARGE", "big"), { kind: "failed", hostFailure: false }],
    [new AcquireError("FORBIDDEN_ADDRESS", "inside"), { kind: "failed", hostFailure: false }],
  ])("%s", (error, expected) => {
    expect(fetchVerdict(error, 0, 3)).toMatchObject(expected);
  });

  it("is null for errors that are not the page's", () => {
    expect(fetchVerdict(new Error("database down"), 0, 3)).toBeNull();
  });
});
