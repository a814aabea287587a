import { encodeCursor } from "@kmcp/core";
import { describe, expect, it } from "vitest";
import { compareCheckpoints } from "./change-feed.js";

const at = (txid: string, id: string) => encodeCursor([txid, id]);
const A = "00000000-0000-4000-8000-00000000000a";
const B = "00000000-0000-4000-8000-00000000000b";

describe("compareCheckpoints", () => {
  it("orders by transaction id (as numbers, not text), then by source id; null first", () => {
    expect(compareCheckpoints(at("9", B), at("10", A))).toBeLessThan(0);
    expect(compareCheckpoints(at("10", A), at("9", B))).toBeGreaterThan(0);
    expect(compareCheckpoints(at("10", A), at("10", B))).toBeLessThan(0);
    expect(compareCheckpoints(at("10", B.toUpperCase()), at("10", B))).toBe(0);
    expect(compareCheckpoints(null, at("1", A))).toBeLessThan(0);
    expect(compareCheckpoints(null, null)).toBe(0);
    expect(compareCheckpoints(at("9223372036854775806", A), at("9223372036854775807", A))).toBeLessThan(0);
  });

  it("refuses what is not a checkpoint", () => {
    expect(() => compareCheckpoints("garbage", null)).toThrow(/Invalid cursor/);
    expect(() => compareCheckpoints(at("x", A), null)).toThrow(/Invalid cursor/);
  });
});
