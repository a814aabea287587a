import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { makePdf } from "@kmcp/testing/documents";
import { random } from "./search.js";

// A small technical vocabulary: the generated documents read alike, as one site's pages do.
const VOCABULARY = (
  "request response header cache server client token session index query schema table column " +
  "record batch stream buffer socket timeout retry backoff limit quota replica cluster shard node " +
  "config option default value field type string number array object error status code version " +
  "release upgrade migrate deploy build test lint package module import export function method " +
  "parameter argument return promise async await event handler listener route path segment"
).split(" ");

/** Deterministic prose: `count` sentences of 8–20 words from the vocabulary. */
function prose(next: () => number, count: number): string {
  const pick = () => VOCABULARY[Math.floor(next() * VOCABULARY.length)]!;
  return Array.from({ length: count }, () => {
    const words = Array.from({ length: 8 + Math.floor(next() * 13) }, pick).join(" ");
    return `${words[0]!.toUpperCase()}${words.slice(1)}.`;
  }).join(" ");
}

const NAV = `<nav><ul>${["Home", "Guides", "Reference", "API", "Changelog", "Blog", "Community", "Support", "Pricing", "Sign in"]
  .map((label) => `<li><a href="/${label.toLowerCase().replace(" ", "-")}">${label}</a></li>`)
  .join("")}</ul></nav>`;
const FOOTER =
  `<footer><p>© 2026 Example Docs. All rights reserved.</p><ul>` +
  ["Privacy", "Terms", "Cookies", "Status", "Contact"].map((label) => `<li><a href="/${label.toLowerCase()}">${label}</a></li>`).join("") +
  `</ul><p>Built with a static site generator. Last updated on a date nobody reads.</p></footer>`;

/** A documentation page: nav and footer boilerplate around an article of `sections` sections of three paragraphs. */
export function htmlPage(n: number, next: () => number, sections = 4): string {
  const body = Array.from({ length: sections }, (_, s) => {
    const paragraphs = Array.from({ length: 3 }, () => `<p>${prose(next, 5)}</p>`).join("\n");
    return `<h2>Section ${s + 1}: ${prose(next, 1).slice(0, 40)}</h2>\n${paragraphs}`;
  }).join("\n");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Guide ${n}: ${prose(next, 1).slice(0, 50)}</title></head>
<body>${NAV}
<main><article><h1>Guide ${n}</h1>
${body}
</article></main>
${FOOTER}</body></html>
`;
}

/** `pageCount` pages of text lines (about 80 characters each, 38 a page, as makePdf lays them out). */
export function pdfPages(next: () => number, pageCount: number): string[][] {
  return Array.from({ length: pageCount }, () => {
    const words = prose(next, 60).split(" ");
    const lines: string[] = [];
    let line = "";
    for (const word of words) {
      if (line.length + word.length > 80) {
        lines.push(line);
        if (lines.length === 38) break;
        line = "";
      }
      line = line ? `${line} ${word}` : word;
    }
    if (line && lines.length < 38) lines.push(line);
    return lines;
  });
}

/** Writes `html` HTML pages and `pdf` PDFs of `pdfPageCount` pages into dir/html and dir/pdf. */
export async function writeCorpus(dir: string, counts: { html: number; pdf: number; pdfPageCount: number }): Promise<{ html: string[]; pdf: string[] }> {
  const next = random(20260214);
  const html = path.join(dir, "html");
  const pdf = path.join(dir, "pdf");
  await mkdir(html, { recursive: true });
  await mkdir(pdf, { recursive: true });
  const htmlFiles = Array.from({ length: counts.html }, (_, n) => path.join(html, `guide-${n}.html`));
  for (const [n, file] of htmlFiles.entries()) await writeFile(file, htmlPage(n, next));
  const pdfFiles = Array.from({ length: counts.pdf }, (_, n) => path.join(pdf, `manual-${n}.pdf`));
  for (const [n, file] of pdfFiles.entries()) await writeFile(file, await makePdf(pdfPages(next, counts.pdfPageCount), { title: `Manual ${n}` }));
  return { html: htmlFiles, pdf: pdfFiles };
}
