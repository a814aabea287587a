import { encryptPDF } from "@pdfsmaller/pdf-encrypt-lite";
import { describe, expect, it } from "vitest";
import { makeDocx, makeImageOnlyPdf, makePdf } from "@kmcp/testing/documents";
import { isExtractError, type ExtractErrorCode } from "./errors.js";
import { extractDocument } from "./extract.js";

const utf8 = (s: string) => new TextEncoder().encode(s);
const latin1 = (s: string) => new Uint8Array(Buffer.from(s, "latin1"));

async function failure(run: () => Promise<unknown>): Promise<{ code: ExtractErrorCode; message: string }> {
  try {
    await run();
  } catch (error) {
    if (isExtractError(error)) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error("expected an ExtractError");
}

const ARTICLE = `<!DOCTYPE html><html><head><title>Tuning the cache | Example Docs</title>
<script>window.tracking = "should never appear";</script><style>body { color: red }</style></head>
<body>
<nav><a href="/">Home</a> <a href="/docs">Docs navigation link</a></nav>
<div id="cookie-banner">We use cookies to improve your experience. Accept all cookies?</div>
<main><article>
<h1>Tuning the cache</h1>
<p>The read cache keeps recently used sources in memory so repeated lookups avoid the database entirely.
It is sized in entries, not bytes, and evicts the least recently used source first when it is full.</p>
<h2>Choosing a size</h2>
<p>Start with a thousand entries and watch the hit rate reported by the health endpoint over a working day.
Raise the size while the hit rate keeps improving; stop when it no longer changes in a meaningful way.</p>
<ul><li>Small deployments: 500 entries</li><li>Large deployments: 5000 entries</li></ul>
</article></main>
<footer>Copyright Example Corp. Footer text that is not content.</footer>
</body></html>`;

describe("extractDocument: HTML", () => {
  it("keeps the main content as Markdown with ATX headings, dropping nav, footer, scripts and the cookie banner", async () => {
    const result = await extractDocument({ bytes: utf8(ARTICLE), kind: "html" });
    expect(result.kind).toBe("html");
    expect(result.pages).toBeNull();
    expect(result.title).toMatch(/Tuning the cache/);
    expect(result.markdown).toMatch(/^#{1,3} Choosing a size$/m);
    expect(result.markdown).toContain("least recently used source first");
    expect(result.markdown).toMatch(/^- +Small deployments: 500 entries$/m);
    for (const dropped of ["should never appear", "color: red", "navigation link", "We use cookies", "Footer text"]) {
      expect(result.markdown).not.toContain(dropped);
    }
  });

  it("decodes Latin-1 from the header charset and from a meta tag, and UTF-8 by default", async () => {
    const page = (meta: string) => `<html><head>${meta}<title>Caf\u00e9</title></head><body><p>Cr\u00e8me br\u00fbl\u00e9e na\u00efve fa\u00e7ade \u00fcber.</p></body></html>`;
    const byHeader = await extractDocument({ bytes: latin1(page("")), kind: "html", charset: "iso-8859-1" });
    const byMeta = await extractDocument({ bytes: latin1(page('<meta charset="iso-8859-1">')), kind: "html" });
    const byHttpEquiv = await extractDocument({ bytes: latin1(page('<meta http-equiv="Content-Type" content="text/html; charset=windows-1252">')), kind: "html" });
    const utf = await extractDocument({ bytes: utf8(page("")), kind: "html" });
    for (const result of [byHeader, byMeta, byHttpEquiv, utf]) {
      expect(result.markdown).toContain("Cr\u00e8me br\u00fbl\u00e9e na\u00efve fa\u00e7ade \u00fcber.");
      expect(result.title).toBe("Caf\u00e9");
    }
  });

  it("reads a text cut by entities as one text: only Markdown's own characters at a line start are escaped (the parsed article goes to Markdown as a DOM)", async () => {
    const page = ARTICLE.replace("<h2>Choosing a size</h2>", "<p>Read -&gt; parse &amp; chunk -&gt; embed, then &lt;write&gt; &gt; 5 &#42;times&#42;.</p>\n<h2>Choosing a size</h2>");
    const result = await extractDocument({ bytes: utf8(page), kind: "html" });
    expect(result.markdown).toContain("Read -> parse & chunk -> embed, then <write> > 5 \\*times\\*.");
    // A page Readability finds no article in goes the same way (its body without the chrome).
    const bare = await extractDocument({ bytes: utf8("<html><body><nav>Menu</nav><p>a -&gt; b</p></body></html>"), kind: "html" });
    expect(bare.markdown).toBe("a -> b");
  });

  it("refuses a page with no text", async () => {
    expect(await failure(() => extractDocument({ bytes: utf8("<html><body><nav>Menu</nav><script>x()</script></body></html>"), kind: "html" }))).toMatchObject({ code: "EMPTY" });
  });
});

describe("extractDocument: PDF", () => {
  it("reads each page and records its character range; the title comes from the metadata", async () => {
    const bytes = await makePdf(
      [["Page one talks about installation."], ["Page two is about configuration."], ["Page three explains the zebra migration path.", "Second line on page three."]],
      { title: "Operations Guide" },
    );
    const result = await extractDocument({ bytes, kind: "pdf" });
    expect(result.title).toBe("Operations Guide");
    expect(result.pages).toHaveLength(3);
    for (const [i, phrase] of ["installation", "configuration", "zebra migration"].entries()) {
      const range = result.pages?.[i];
      expect(range?.page).toBe(i + 1);
      expect(result.markdown.slice(range?.start, range?.end)).toContain(phrase);
    }
  });

  it("falls back to the first line for the title", async () => {
    const result = await extractDocument({ bytes: await makePdf([["Release notes 2.0", "Body"]]), kind: "pdf" });
    expect(result.title).toBe("Release notes 2.0");
  });

  it("says why it cannot read a damaged PDF, a text file named .pdf, or a scan with no text layer", async () => {
    const good = await makePdf([["Some text"]]);
    const damaged = good.slice(0, 400);
    expect(await failure(() => extractDocument({ bytes: damaged, kind: "pdf" }))).toMatchObject({ code: "UNREADABLE", message: expect.stringMatching(/damaged|could not be read/) });
    expect(await failure(() => extractDocument({ bytes: utf8("hello, I am text"), kind: "pdf" }))).toMatchObject({ code: "UNREADABLE" });
    expect(await failure(async () => extractDocument({ bytes: await makeImageOnlyPdf(2), kind: "pdf" }))).toMatchObject({
      code: "EMPTY",
      message: expect.stringContaining("no text layer"),
    });
  });
});

describe("extractDocument: PDF read by PDFium", () => {
  it("reads a metadata title outside ASCII (stored as UTF-16) and collapses its whitespace", async () => {
    const result = await extractDocument({ bytes: await makePdf([["Body text"]], { title: "Ünïcode  Guide — 日本語" }), kind: "pdf" });
    expect(result.title).toBe("Ünïcode Guide — 日本語");
  });

  it("numbers pages from the document, so a blank page leaves a gap", async () => {
    const result = await extractDocument({ bytes: await makePdf([["First page"], [], ["Third page"]]), kind: "pdf" });
    expect(result.pages?.map((range) => range.page)).toEqual([1, 3]);
    expect(result.markdown).toBe("First page\n\nThird page");
  });

  it("refuses a PDF that needs a password, and reads one with only an owner password", async () => {
    const plain = await makePdf([["Secret page"]], { title: "Locked" });
    expect(await failure(async () => extractDocument({ bytes: await encryptPDF(plain, "user-pw", "owner-pw"), kind: "pdf" }))).toEqual({
      code: "UNREADABLE",
      message: "The PDF is encrypted with a password; kmcp cannot read it.",
    });
    const ownerOnly = await extractDocument({ bytes: await encryptPDF(plain, "", "owner-pw"), kind: "pdf" });
    expect(ownerOnly).toMatchObject({ title: "Locked", markdown: "Secret page" });
  });

  it("calls an empty file or a bare header damaged", async () => {
    for (const bytes of [new Uint8Array(0), utf8("%PDF-1.7\n")]) {
      expect(await failure(() => extractDocument({ bytes, kind: "pdf" }))).toEqual({ code: "UNREADABLE", message: "The PDF is damaged and cannot be read (not in PDF format, or corrupted)." });
    }
  });

  it("lets the thread's other work run while it reads a long PDF", async () => {
    // 3,000 pages: a few hundred ms of PDFium's work, several times its 50 ms between turns.
    const bytes = await makePdf(Array.from({ length: 3_000 }, (_, n) => [`Page ${n + 1}`, "A line of body text on this page.", "And one more line."]));
    await extractDocument({ bytes: await makePdf([["Warm-up"]]), kind: "pdf" }); // PDFium loaded
    // Turns of the event loop while the long document is read: without yielding, none.
    let turns = 0;
    let reading = true;
    const turn = () => {
      if (!reading) return;
      turns += 1;
      setImmediate(turn);
    };
    const result = extractDocument({ bytes, kind: "pdf" });
    setImmediate(turn);
    const { pages } = await result;
    reading = false;
    expect(pages).toHaveLength(3_000);
    expect(turns).toBeGreaterThan(0);
  });

  it("reads a dozen PDFs at once, each into its own text", async () => {
    const bytes = await Promise.all(Array.from({ length: 12 }, (_, n) => makePdf([[`Document ${n} page one`], [`Document ${n} page two`]])));
    const results = await Promise.all(bytes.map((b) => extractDocument({ bytes: b, kind: "pdf" })));
    expect(results.map((r) => r.title)).toEqual(bytes.map((_, n) => `Document ${n} page one`));
  });
});

describe("extractDocument: DOCX", () => {
  it("keeps Heading 1 paragraphs as headings", async () => {
    const bytes = await makeDocx([
      { heading: "Backup policy", paragraphs: ["Backups run nightly at two in the morning."] },
      { heading: "Restore drill", paragraphs: ["Restore a backup once a quarter."] },
    ]);
    const result = await extractDocument({ bytes, kind: "docx" });
    expect(result.markdown).toMatch(/^# Backup policy$/m);
    expect(result.markdown).toMatch(/^# Restore drill$/m);
    expect(result.markdown).toContain("Restore a backup once a quarter.");
    expect(result.title).toBe("Backup policy");
  });

  it("refuses a ZIP that is not a Word document and a damaged one", async () => {
    const notZip = await failure(() => extractDocument({ bytes: utf8("PK\u0003\u0004 nothing"), kind: "docx" }));
    expect(notZip.code).toBe("UNREADABLE");
    expect(notZip.message).toMatch(/^Could not read the Word document: /);
    expect(notZip.message).not.toContain("\n");
  });
});

describe("extractDocument: Markdown, text, limits", () => {
  it("passes Markdown and text through", async () => {
    expect(await extractDocument({ bytes: utf8("# Title\n\nBody\n"), kind: "markdown" })).toEqual({ kind: "markdown", title: "Title", markdown: "# Title\n\nBody", pages: null });
    expect(await extractDocument({ bytes: utf8("plain"), kind: "text" })).toEqual({ kind: "text", title: null, markdown: "plain", pages: null });
  });

  it("refuses an empty file and one over the size limit", async () => {
    expect(await failure(() => extractDocument({ bytes: utf8("  \n"), kind: "text" }))).toMatchObject({ code: "EMPTY" });
    expect(await failure(() => extractDocument({ bytes: utf8("x".repeat(2048)), kind: "text", maxBytes: 1024 }))).toMatchObject({ code: "TOO_LARGE" });
  });
});
