import { describe, expect, it } from "vitest";
import { isCoreError } from "./errors.js";
import { normaliseUrl } from "./url.js";

describe("normaliseUrl", () => {
  it.each([
    ["HTTPS://Example.COM", "https://example.com/"],
    ["https://example.com:443/a", "https://example.com/a"],
    ["http://example.com:80/a", "http://example.com/a"],
    ["http://example.com:8080/a", "http://example.com:8080/a"],
    ["https://example.com/Docs/#intro", "https://example.com/Docs"],
    ["https://example.com/docs/", "https://example.com/docs"],
    ["https://example.com/", "https://example.com/"],
    ["  https://example.com/a?b=C  ", "https://example.com/a?b=C"],
    ["https://example.com/a/?q=1#x", "https://example.com/a?q=1"],
  ])("%s → %s", (input, expected) => {
    expect(normaliseUrl(input)).toBe(expected);
  });

  it.each([
    ["", "empty"],
    ["example.com", "not an absolute URL"],
    ["ftp://example.com/", "only http and https"],
    ["javascript:alert(1)", "only http and https"],
    ["https://user:secret@example.com/", "credentials"],
    [`https://example.com/${"a".repeat(2100)}`, "longer than"],
  ])("rejects %j (%s)", (input, why) => {
    let caught: unknown;
    try {
      normaliseUrl(input);
    } catch (error) {
      caught = error;
    }
    expect(isCoreError(caught, "VALIDATION")).toBe(true);
    expect((caught as Error).message).toContain(why);
    expect((caught as Error).message).not.toContain("secret");
  });
});

describe("normaliseUrl with allowFile (local documents)", () => {
  it.each([
    ["file:///home/ana/notes/a.md", "file:///home/ana/notes/a.md"],
    ["file://localhost/srv/docs/b.md", "file:///srv/docs/b.md"],
    ["FILE:///srv/docs/c%20d.md#top", "file:///srv/docs/c%20d.md"],
    ["https://example.com/docs/", "https://example.com/docs"],
  ])("%s → %s", (input, expected) => {
    expect(normaliseUrl(input, { allowFile: true })).toBe(expected);
  });

  it.each([
    ["file://fileserver/share/a.md", "local path"],
    ["file:///srv/docs/", "not a folder"],
    ["ftp://example.com/a", "only http, https and file"],
  ])("rejects %j (%s)", (input, why) => {
    expect(() => normaliseUrl(input, { allowFile: true })).toThrow(why);
  });

  it("is off by default: acquisition requests name web URLs only", () => {
    expect(() => normaliseUrl("file:///etc/passwd")).toThrow("only http and https");
  });
});
