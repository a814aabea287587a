import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findDocuments } from "./find-documents.js";

describe("findDocuments", () => {
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(path.join(tmpdir(), "kmcp-find-"));
    for (const file of ["a.md", "b.txt", "c.json", "guide/page.xhtml", "guide/intro.MD", "guide/deep/x.markdown", "node_modules/pkg/readme.md", ".git/notes.md", "guide/.hidden/y.md"]) {
      await mkdir(path.dirname(path.join(root, file)), { recursive: true });
      await writeFile(path.join(root, file), "# t\n\nbody\n");
    }
  });
  afterAll(() => rm(root, { recursive: true, force: true }));

  const relative = (docs: { path: string }[]) => docs.map((d) => path.relative(root, d.path));

  it("expands folders recursively, skipping dependencies and hidden folders, sorted and de-duplicated", async () => {
    const docs = await findDocuments([".", "a.md", "guide"], root);
    expect(relative(docs)).toEqual(["a.md", "b.txt", "guide/deep/x.markdown", "guide/intro.MD", "guide/page.xhtml"]);
    expect(docs.map((d) => d.format)).toEqual(["markdown", "text", "markdown", "markdown", "html"]);
  });

  it("expands glob patterns relative to the root", async () => {
    expect(relative(await findDocuments(["guide/**/*.markdown", "*.txt"], root))).toEqual(["b.txt", "guide/deep/x.markdown"]);
  });

  it("names every bad input at once", async () => {
    await expect(findDocuments(["missing.md", "c.json", "nothing/*.md", "a.md"], root)).rejects.toMatchObject({
      code: "VALIDATION",
      message: expect.stringMatching(/missing\.md: no such file or folder; c\.json: not a Markdown.*; nothing\/\*\.md: matches no Markdown, text, HTML, PDF or Word file/),
    });
    await expect(findDocuments([], root)).rejects.toMatchObject({ code: "VALIDATION" });
  });
});
