import { describe, expect, it } from "vitest";
import type { DocumentFormat } from "./chunk-document.js";
import { documentTitle } from "./document-title.js";
import { isSearchError } from "./errors.js";

describe("documentTitle: markdown", () => {
  it("prefers the front matter title, stripping quotes and comments", () => {
    expect(documentTitle("---\ntitle: Plain title\n---\n# Heading", "markdown")).toBe("Plain title");
    expect(documentTitle('---\nlayout: post\ntitle: "Quoted: \\"yes\\""\n---\n# Heading', "markdown")).toBe('Quoted: "yes"');
    expect(documentTitle("---\ntitle: 'It''s single'\n---", "markdown")).toBe("It's single");
    expect(documentTitle("---\ntitle: With comment # not part of it\n---", "markdown")).toBe("With comment");
    expect(documentTitle("---\ntitle: >-\n  Folded\n  title\ndate: 2024\n---", "markdown")).toBe("Folded title");
  });

  it("falls back to the first H1 when front matter has no usable title", () => {
    expect(documentTitle("---\ndate: 2024\nseo:\n  title: nested\n---\n# Heading", "markdown")).toBe("Heading");
    expect(documentTitle("---\ntitle: ''\n---\n# Heading", "markdown")).toBe("Heading");
    expect(documentTitle("---\ntitle:\n---\n# Heading", "markdown")).toBe("Heading");
  });

  it("ignores front matter that is not at the very start or not closed", () => {
    expect(documentTitle("\n---\ntitle: Late\n---\n# Heading", "markdown")).toBe("Heading");
    expect(documentTitle("---\ntitle: Open\n# Heading", "markdown")).toBe("Heading");
  });

  it("finds the first H1 (ATX or setext) outside code fences", () => {
    expect(documentTitle("intro\n## Sub\n# **Main** `title` #\n# Second", "markdown")).toBe("**Main** `title`");
    expect(documentTitle("```md\n# In code\n```\n~~~\n# Also code\n~~~\nSetext title\n===\n# Later", "markdown")).toBe("Setext title");
    expect(documentTitle("Sub title\n---\n\nbody", "markdown")).toBeNull();
    expect(documentTitle("#\n#hashtag\n    # indented code\n# Real", "markdown")).toBe("Real");
  });

  it("returns null when there is no title", () => {
    expect(documentTitle("", "markdown")).toBeNull();
    expect(documentTitle("just text\n\n## Only an H2", "markdown")).toBeNull();
    expect(documentTitle("```\n# never closed", "markdown")).toBeNull();
  });

  it("handles CRLF and a byte order mark", () => {
    expect(documentTitle("\uFEFF---\r\ntitle: Windows\r\n---\r\n", "markdown")).toBe("Windows");
    expect(documentTitle("Setext\r\n======\r\nbody", "markdown")).toBe("Setext");
  });
});

describe("documentTitle: text", () => {
  it("uses the first non-empty line when it is short enough", () => {
    expect(documentTitle("\n  \n  Release notes  \nbody", "text")).toBe("Release notes");
    expect(documentTitle("# Not markdown here\nbody", "text")).toBe("# Not markdown here");
    expect(documentTitle(`${"x".repeat(120)}\nbody`, "text")).toBe("x".repeat(120));
  });

  it("returns null for a long first line or empty content", () => {
    expect(documentTitle(`${"x".repeat(121)}\nShort line`, "text")).toBeNull();
    expect(documentTitle(" \r\n\t", "text")).toBeNull();
  });

  it("rejects an unknown format", () => {
    let thrown: unknown;
    try {
      documentTitle("x", "html" as DocumentFormat);
    } catch (error) {
      thrown = error;
    }
    expect(isSearchError(thrown, "VALIDATION")).toBe(true);
  });
});
