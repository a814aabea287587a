import { AcquireError, type ProbeResult } from "@kmcp/acquire";
import { describe, expect, it } from "vitest";
import { decideAcquisition } from "./preflight.js";

const probe = (over: Partial<ProbeResult> = {}): { probe: ProbeResult } => ({
  probe: { url: "https://a.test/", finalUrl: "https://a.test/", redirects: [], status: 200, method: "HEAD", contentType: "text/html", contentLength: 10, supported: true, ...over },
});
const source = { id: "s1", title: "A", status: "active" as const, url: "https://a.test/" };

describe("decideAcquisition", () => {
  it.each([
    ["a new url", probe(), null, { allowed: true, reachable: true, action: "create", reason: null }],
    ["a stored url", probe(), source, { allowed: true, reachable: true, action: "update", reason: null }],
    ["an unsupported type", probe({ supported: false, contentType: "image/png" }), null, { allowed: true, reachable: true, action: "refuse", reason: expect.stringContaining("image/png") }],
    ["a document over the limit", probe({ contentLength: 30 * 1024 * 1024 }), source, { action: "refuse", reason: expect.stringContaining("limit") }],
    ["a private address", { error: new AcquireError("FORBIDDEN_ADDRESS", "Refused: loopback.") }, null, { allowed: false, reachable: null, action: "refuse", reason: "Refused: loopback." }],
    ["robots.txt", { error: new AcquireError("ROBOTS", "Disallowed.") }, null, { allowed: false, reachable: null, action: "refuse" }],
    ["a 404", { error: new AcquireError("HTTP", "HTTP 404.") }, source, { allowed: true, reachable: false, action: "refuse", reason: "HTTP 404." }],
  ] as const)("%s", (_name, outcome, stored, expected) => {
    expect(decideAcquisition(outcome, stored)).toMatchObject(expected);
  });
});
