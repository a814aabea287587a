import { describe, expect, it } from "vitest";
import { findSection, putSection } from "./report.js";

const doc = "# Title\n\nintro\n\n## 1. One\n\na\n\n## 2. Two\n\nb\n\n## Changes\n\nc\n";

describe("sections", () => {
  it("finds a section up to the next one, or to the end", () => {
    expect(findSection(doc, "## 2.")).toBe("## 2. Two\n\nb\n\n");
    expect(findSection(doc, "## Changes")).toBe("## Changes\n\nc\n");
    expect(findSection(doc, "## 9.")).toBeUndefined();
  });

  it("replaces a section in place, or puts a new one before the given heading or at the end", () => {
    expect(putSection(doc, "## 2.", "## 2. Deux\n\nB $& $1\n\n", "## Changes")).toBe("# Title\n\nintro\n\n## 1. One\n\na\n\n## 2. Deux\n\nB $& $1\n\n## Changes\n\nc\n");
    expect(putSection(doc, "## 9.", "## 9. Nine\n", "## Changes")).toBe("# Title\n\nintro\n\n## 1. One\n\na\n\n## 2. Two\n\nb\n\n## 9. Nine\n\n## Changes\n\nc\n");
    expect(putSection("# T\n", "## 9.", "## 9. Nine\n", "## Changes")).toBe("# T\n\n## 9. Nine\n");
  });
});
