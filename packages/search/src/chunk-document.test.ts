import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { chunkDocument, type DocumentFormat, type TextChunk } from "./chunk-document.js";
import { isSearchError } from "./errors.js";

/** `count` distinct words starting with `prefix`, space-separated. */
const words = (prefix: string, count: number): string => Array.from({ length: count }, (_, i) => `${prefix}${i}`).join(" ");
const texts = (chunks: TextChunk[]) => chunks.map((c) => c.text);
const paths = (chunks: TextChunk[]) => chunks.map((c) => c.headingPath);
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

describe("chunkDocument: sections", () => {
  it("returns nothing for empty or whitespace-only content", () => {
    for (const content of ["", "  \n\t\n", "\r\n\r\n"]) {
      expect(chunkDocument(content, "markdown")).toEqual([]);
      expect(chunkDocument(content, "text")).toEqual([]);
    }
  });

  it("labels chunks with the enclosing heading stack and pops it on shallower headings", () => {
    const doc = ["intro", "# Install", "install body", "### Deep", "deep body", "## On Linux", "linux body", "# Usage ##", "usage body"].join("\n");
    const chunks = chunkDocument(doc, "markdown");
    expect(texts(chunks)).toEqual(["intro", "install body", "deep body", "linux body", "usage body"]);
    expect(paths(chunks)).toEqual([[], ["Install"], ["Install", "Deep"], ["Install", "On Linux"], ["Usage"]]);
    expect(chunks.map((c) => c.index)).toEqual([0, 1, 2, 3, 4]);
  });

  it("keeps heading lines out of the text, trims heading text, keeps inline markup, and skips sections without body", () => {
    const doc = "#   **Bold** `code`   ##  \n\n## Empty\n\n## Not #closed#\nbody\n#hashtag is text\n    # indented is text";
    const chunks = chunkDocument(doc, "markdown");
    expect(chunks).toEqual([
      { index: 0, text: "body\n#hashtag is text\n    # indented is text", headingPath: ["**Bold** `code`", "Not #closed#"] },
    ]);
  });

  it("never lets a chunk span two sections, even when both would fit", () => {
    const chunks = chunkDocument("# A\none\n# B\ntwo", "markdown");
    expect(texts(chunks)).toEqual(["one", "two"]);
  });

  it("ignores heading-like lines inside fenced code blocks of either kind and any length", () => {
    const doc = [
      "# Real",
      "````md",
      "# not a heading",
      "```",
      "## still code (a shorter fence does not close)",
      "````",
      "~~~",
      "# also code",
      "```",
      "~~~~",
      "## Second",
      "text",
    ].join("\n");
    const chunks = chunkDocument(doc, "markdown");
    expect(paths(chunks)).toEqual([["Real"], ["Real", "Second"]]);
    expect(chunks[0]!.text).toContain("# not a heading");
    expect(chunks[0]!.text).toContain("# also code");
  });

  it("treats an unclosed fence as code to the end of the document", () => {
    const chunks = chunkDocument("# A\n```\n# B\ntext", "markdown");
    expect(chunks).toEqual([{ index: 0, text: "```\n# B\ntext", headingPath: ["A"] }]);
  });

  it("does not open a fence on inline code with backticks in the info string", () => {
    const chunks = chunkDocument("```inline``` here\n# Heading\nbody", "markdown");
    expect(paths(chunks)).toEqual([[], ["Heading"]]);
  });

  it("strips YAML front matter only at the very start and only when closed", () => {
    const withFrontMatter = "---\ntitle: Hello\ntags: [a]\n---\n# Doc\nbody";
    expect(chunkDocument(withFrontMatter, "markdown")).toEqual([{ index: 0, text: "body", headingPath: ["Doc"] }]);
    expect(texts(chunkDocument("---\ntitle: x\n...\nbody", "markdown"))).toEqual(["body"]);
    expect(texts(chunkDocument("\n---\ntitle: x\n---\nbody", "markdown")).join("\n")).toContain("title: x");
    expect(texts(chunkDocument("---\nnot closed\n\nbody", "markdown")).join("\n")).toContain("not closed");
  });

  it("recognises setext headings over a one-line paragraph", () => {
    const doc = "Title\n=====\nintro\n\nSub\n---\nsub body\n\nline one\nline two\n===\n\n- item\n---\nafter";
    const chunks = chunkDocument(doc, "markdown");
    expect(paths(chunks)).toEqual([["Title"], ["Title", "Sub"]]);
    expect(chunks[0]!.text).toBe("intro");
    // A multi-line paragraph or a list item above an underline stays body text.
    expect(chunks[1]!.text).toBe("sub body\n\nline one\nline two\n===\n\n- item\n---\nafter");
  });

  it("normalises CRLF and CR line ends", () => {
    const lf = chunkDocument("# A\nline one\nline two\n\npara", "markdown");
    expect(chunkDocument("# A\r\nline one\r\nline two\r\n\r\npara", "markdown")).toEqual(lf);
    expect(chunkDocument("# A\rline one\rline two\r\rpara", "markdown")).toEqual(lf);
    expect(lf[0]!.text).toBe("line one\nline two\n\npara");
  });

  it("treats plain text as paragraphs only", () => {
    const chunks = chunkDocument("# not a heading\nbody\n\n---\ntitle: no front matter\n---", "text");
    expect(chunks).toEqual([{ index: 0, text: "# not a heading\nbody\n\n---\ntitle: no front matter\n---", headingPath: [] }]);
  });
});

describe("chunkDocument: packing", () => {
  const small = { maxChars: 200, overlapChars: 0 };

  it("packs consecutive paragraphs joined by a blank line while they fit", () => {
    const p = [words("a", 20), words("b", 20), words("c", 20), words("d", 20)]; // 69 chars each
    const chunks = chunkDocument(p.join("\n\n\n"), "text", small);
    expect(texts(chunks)).toEqual([`${p[0]}\n\n${p[1]}`, `${p[2]}\n\n${p[3]}`]);
  });

  it("keeps a fenced code block whole even with blank lines inside", () => {
    const para = words("p", 45); // 179 chars
    const fence = "```sh\necho one\n\necho two\n\necho three\n```";
    const chunks = chunkDocument(`${para}\n\n${fence}\n\nafter`, "markdown", small);
    expect(texts(chunks)).toEqual([para, `${fence}\n\nafter`]);
  });

  it("starts the next chunk of a section with the previous chunk's tail, cut forward to a word start", () => {
    const p1 = words("a", 30); // 109 chars
    const p2 = words("b", 30);
    const chunks = chunkDocument(`# S\n${p1}\n\n${p2}`, "markdown", { maxChars: 200, overlapChars: 50 });
    expect(texts(chunks)).toEqual([p1, `a18 a19 a20 a21 a22 a23 a24 a25 a26 a27 a28 a29\n\n${p2}`]);
    expect(paths(chunks)).toEqual([["S"], ["S"]]);
    // The tail is 50 characters at most and begins at a word start of p1.
    const overlap = chunks[1]!.text.split("\n\n")[0]!;
    expect(overlap.length).toBeLessThanOrEqual(50);
    expect(p1.endsWith(` ${overlap}`)).toBe(true);
  });

  it("uses no overlap when the previous chunk's last word is longer than overlapChars", () => {
    const p1 = `${words("a", 10)} ${"z".repeat(60)}`;
    const p2 = words("b", 40);
    const chunks = chunkDocument(`${p1}\n\n${p2}`, "text", { maxChars: 200, overlapChars: 50 });
    expect(texts(chunks)).toEqual([p1, p2]);
  });

  it("does not carry overlap across sections", () => {
    const chunks = chunkDocument(`# A\n${words("a", 30)}\n# B\n${words("b", 30)}`, "markdown", { maxChars: 200, overlapChars: 90 });
    expect(chunks[1]!.text).toBe(words("b", 30));
  });

  it("shrinks the overlap rather than cut a paragraph that fits a chunk on its own", () => {
    const p1 = words("a", 30); // 109 chars
    const p2 = words("b", 50).slice(0, 190).trim();
    const chunks = chunkDocument(`${p1}\n\n${p2}`, "text", { maxChars: 200, overlapChars: 90 });
    expect(chunks).toHaveLength(2);
    expect(chunks[1]!.text.endsWith(p2)).toBe(true);
    expect(chunks[1]!.text.length).toBeLessThanOrEqual(200);
  });

  it("splits a paragraph longer than maxChars at sentence ends", () => {
    const sentences = Array.from({ length: 20 }, (_, i) => `Sentence ${i} says something? Yes!`.replace("?", i % 2 ? "?" : "."));
    const chunks = chunkDocument(sentences.join(" "), "text", small);
    expect(chunks.length).toBeGreaterThan(1);
    for (const chunk of chunks) {
      expect(chunk.text.length).toBeLessThanOrEqual(200);
      expect(chunk.text).toMatch(/^Sentence \d+ .*!$/s);
    }
    expect(texts(chunks).join(" ")).toBe(sentences.join(" "));
  });

  it("splits at newlines inside a long unit, and at whitespace when there is no sentence end", () => {
    const lines = Array.from({ length: 30 }, (_, i) => `line${i} x`);
    const byLine = chunkDocument(lines.join("\n"), "text", small);
    expect(texts(byLine).join("\n")).toBe(lines.join("\n"));

    const run = words("w", 120);
    const byWord = chunkDocument(run, "text", small);
    expect(byWord.length).toBeGreaterThan(2);
    for (const chunk of byWord) expect(chunk.text).toMatch(/^w\d+( w\d+)*$/);
    expect(texts(byWord).join(" ")).toBe(run);
  });

  it("overlaps the pieces of a split paragraph too, still within maxChars", () => {
    const run = words("w", 120);
    const chunks = chunkDocument(run, "text", { maxChars: 200, overlapChars: 40 });
    for (const [i, chunk] of chunks.entries()) {
      expect(chunk.text.length).toBeLessThanOrEqual(200);
      if (i === 0) continue;
      const firstWord = chunk.text.split(" ")[0]!;
      expect(chunks[i - 1]!.text.split(" ")).toContain(firstWord);
    }
  });

  it("cuts hard at maxChars when there is no whitespace, keeping surrogate pairs whole", () => {
    const xs = "x".repeat(450);
    expect(texts(chunkDocument(xs, "text", { maxChars: 200, overlapChars: 20 }))).toEqual(["x".repeat(200), "x".repeat(200), "x".repeat(50)]);

    const emoji = "😀".repeat(150); // 300 UTF-16 units; cutting at 201 would split a pair
    const chunks = chunkDocument(emoji, "text", { maxChars: 201, overlapChars: 0 });
    expect(chunks.map((c) => c.text.length)).toEqual([200, 100]);
    for (const chunk of chunks) expect(chunk.text).not.toMatch(LONE_SURROGATE);
  });

  it("numbers chunks 0..n-1 across sections", () => {
    const doc = `# A\n${words("a", 80)}\n\n## B\n${words("b", 80)}`;
    const first = chunkDocument(doc, "markdown", { maxChars: 200, overlapChars: 30 });
    expect(first.length).toBeGreaterThan(2);
    expect(first.map((c) => c.index)).toEqual(first.map((_, i) => i));
  });
});

describe("chunkDocument: options", () => {
  const expectValidation = (run: () => unknown, mention: string) => {
    let caught: unknown;
    try {
      run();
    } catch (error) {
      caught = error;
    }
    expect(isSearchError(caught, "VALIDATION")).toBe(true);
    expect((caught as Error).message).toContain(mention);
  };

  it("defaults to 1500 characters with 200 of overlap", () => {
    const chunks = chunkDocument(words("w", 1000), "text");
    expect(chunks.length).toBeGreaterThan(1);
    expect(Math.max(...chunks.map((c) => c.text.length))).toBeLessThanOrEqual(1_500);
    expect(Math.max(...chunks.map((c) => c.text.length))).toBeGreaterThan(1_400);
  });

  it("rejects bad options with a VALIDATION SearchError naming the field", () => {
    expectValidation(() => chunkDocument("x", "text", { maxChars: 199 }), "maxChars");
    expectValidation(() => chunkDocument("x", "text", { maxChars: 20_001 }), "maxChars");
    expectValidation(() => chunkDocument("x", "text", { maxChars: 500.5 }), "maxChars");
    expectValidation(() => chunkDocument("x", "text", { overlapChars: -1 }), "overlapChars");
    expectValidation(() => chunkDocument("x", "text", { maxChars: 400, overlapChars: 200 }), "overlapChars: must be less than half of maxChars");
    // The default overlap (200) is too large for maxChars below 402.
    expectValidation(() => chunkDocument("x", "text", { maxChars: 300 }), "overlapChars");
    expectValidation(() => chunkDocument("x", "text", { maxChars: 500, extra: 1 } as never), "extra");
    expectValidation(() => chunkDocument("x", "html" as DocumentFormat), "format");
  });

  it("accepts the boundary values", () => {
    expect(chunkDocument("x", "text", { maxChars: 200, overlapChars: 99 })).toHaveLength(1);
    expect(chunkDocument("x", "text", { maxChars: 20_000, overlapChars: 0 })).toHaveLength(1);
  });
});

describe("chunkDocument: properties", () => {
  const WORDS = ["alpha", "beta", "gamma", "x", "end.", "why?", "wow!", "#tag", "`code`", "**bold**", "ünïcödé", "😀emoji", "a-b", "q".repeat(40)];
  const word = fc.constantFrom(...WORDS);
  const lineOf = (min: number, max: number) => fc.array(word, { minLength: min, maxLength: max }).map((ws) => ws.join(" "));

  type Block = { lines: string[]; body: boolean };
  const heading: fc.Arbitrary<Block> = fc
    .tuple(fc.integer({ min: 1, max: 6 }), lineOf(1, 4), fc.boolean())
    .map(([level, text, closed]) => ({ lines: [`${"#".repeat(level)} ${text}${closed ? " ##" : ""}`], body: false }));
  const paragraph: fc.Arbitrary<Block> = fc.array(lineOf(1, 30), { minLength: 1, maxLength: 6 }).map((lines) => ({ lines, body: true }));
  const codeLine = fc.oneof(lineOf(0, 8), fc.constantFrom("# fake heading", "## also fake", "", "   ", "---", "===", "```"));
  const fence = (closed: boolean): fc.Arbitrary<Block> =>
    fc.tuple(fc.constantFrom("~~~", "~~~~", "````"), fc.array(codeLine, { maxLength: 10 })).map(([marker, lines]) => ({
      lines: [`${marker}js`, ...lines, ...(closed ? [marker] : [])],
      body: true,
    }));
  const blank: fc.Arbitrary<Block> = fc.constant({ lines: [""], body: true });

  const markdownDoc = fc
    .tuple(
      fc.boolean(),
      fc.array(fc.oneof({ arbitrary: paragraph, weight: 4 }, { arbitrary: heading, weight: 2 }, { arbitrary: fence(true), weight: 1 }, { arbitrary: blank, weight: 2 }), { maxLength: 25 }),
      fc.option(fence(false), { nil: undefined }),
      fc.boolean(),
    )
    .map(([frontMatter, blocks, unclosed, crlf]) => {
      const all = [...(frontMatter ? [{ lines: ["---", "title: front matter words", "---"], body: false }] : []), ...blocks, ...(unclosed ? [unclosed] : [])];
      const content = all.map((b) => b.lines.join("\n")).join("\n");
      const bodyWords = all.filter((b) => b.body).flatMap((b) => tokens(b.lines.join("\n")));
      const headings = new Set(all.filter((b) => !b.body && b.lines[0]!.startsWith("#")).map((b) => b.lines[0]!.replace(/^#+ /, "").replace(/ ##$/, "")));
      return { content: crlf ? content.replace(/\n/g, "\r\n") : content, bodyWords, headings };
    });

  const options = fc.integer({ min: 200, max: 600 }).chain((maxChars) => fc.record({ maxChars: fc.constant(maxChars), overlapChars: fc.integer({ min: 0, max: Math.ceil(maxChars / 2) - 1 }) }));

  function tokens(text: string): string[] {
    return text.split(/\s+/).filter((t) => t !== "");
  }
  /** Whether `needle` occurs in order (not necessarily contiguously) in `haystack`. */
  function isSubsequence(needle: string[], haystack: string[]): boolean {
    let at = 0;
    for (const item of haystack) if (at < needle.length && item === needle[at]) at += 1;
    return at === needle.length;
  }
  function checkShape(chunks: TextChunk[], maxChars: number) {
    expect(chunks.map((c) => c.index)).toEqual(chunks.map((_, i) => i));
    for (const chunk of chunks) {
      expect(chunk.text.length).toBeLessThanOrEqual(maxChars);
      expect(chunk.text).not.toBe("");
      expect(chunk.text).toBe(chunk.text.trim());
      expect(chunk.text).not.toMatch(LONE_SURROGATE);
    }
  }

  it("markdown: chunks fit, are non-empty, numbered, deterministic, and keep every body word in order", () => {
    fc.assert(
      fc.property(markdownDoc, options, ({ content, bodyWords, headings }, opts) => {
        const chunks = chunkDocument(content, "markdown", opts);
        checkShape(chunks, opts.maxChars);
        expect(isSubsequence(bodyWords, chunks.flatMap((c) => tokens(c.text)))).toBe(true);
        for (const chunk of chunks) for (const h of chunk.headingPath) expect(headings.has(h)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it("text: chunks fit and keep every word in order, with no heading paths", () => {
    const textDoc = fc.array(fc.oneof(lineOf(0, 40), fc.constant("")), { maxLength: 40 }).map((lines) => lines.join("\n"));
    fc.assert(
      fc.property(textDoc, options, (content, opts) => {
        const chunks = chunkDocument(content, "text", opts);
        checkShape(chunks, opts.maxChars);
        expect(isSubsequence(tokens(content), chunks.flatMap((c) => tokens(c.text)))).toBe(true);
        for (const chunk of chunks) expect(chunk.headingPath).toEqual([]);
      }),
      { numRuns: 200 },
    );
  });
});
