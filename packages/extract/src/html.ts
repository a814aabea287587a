import { DOMParser } from "linkedom/worker";
import { decodeText } from "./decode.js";
import { ExtractError } from "./errors.js";
import { readArticle } from "./html-article.js";
import type { Extracted } from "./kinds.js";
import { htmlToMarkdown } from "./html-to-markdown.js";

/** Elements that are never content: page chrome, scripts, forms. */
const CHROME = "script, style, noscript, template, iframe, nav, header, footer, aside, form, dialog, [role=navigation], [role=banner], [role=contentinfo], [aria-hidden=true]";
/** Dropped before anything else looks at the page (a page `header` may hold the article's title, so it stays until the fallback). */
const ALWAYS_DROPPED = "script, style, noscript, template, iframe, nav, footer, aside, form, dialog, [role=navigation], [role=contentinfo]";
/** Cookie and consent banners, by their usual ids and classes. */
const BANNERS = /(^|[\s_-])(cookie|cookies|consent|gdpr|cc-banner|onetrust)([\s_-]|$)/i;

/**
 * The main content of an HTML page as Markdown: Readability picks the article (navigation,
 * footers, scripts and cookie banners are dropped); a page Readability finds no article in keeps
 * its body without the page chrome.
 */
export function extractHtml(bytes: Uint8Array, charset?: string | null): Extracted {
  const source = decodeText(bytes, charset, true);
  return extractHtmlString(source);
}

/** @internal Also the second half of the DOCX path. */
export function extractHtmlString(source: string, options: { readability?: boolean } = {}): Extracted {
  let document = parsePage(source);
  const pageTitle = clean(document.querySelector("title")?.textContent);
  const firstH1 = clean(document.querySelector("h1")?.textContent);

  let content: DomNode | null = null;
  let articleTitle: string | null = null;
  if (options.readability !== false) {
    // The article element itself goes to Markdown (the serializer), not its HTML parsed once more.
    const article = readArticle(document, { charThreshold: 100, serializer: (element: unknown) => element });
    if (article?.content && clean(article.textContent)) {
      content = article.content as DomNode;
      articleTitle = clean(article.title);
    } else {
      // Readability changed the page as it read it: the fallback starts again from the source
      // (rare, so the common path saves copying the page).
      document = parsePage(source);
    }
  }
  if (content === null) {
    for (const element of [...document.querySelectorAll(CHROME)]) element.remove();
  }
  const root: DomNode = content ?? document.body ?? document;
  // The parser leaves a text cut by an entity ("a &gt; b") in several text nodes; joined, as a
  // browser's parser makes them, so Markdown escapes see the text whole.
  root.normalize();
  const markdown = htmlToMarkdown(root);
  if (markdown === "") {
    throw new ExtractError("EMPTY", "The page has no text content (nothing left once navigation, scripts and banners are removed).");
  }
  return { kind: "html", title: articleTitle ?? pageTitle ?? firstH1, markdown, pages: null };
}

/** What Markdown is made from: an element or document of the page's DOM. */
type DomNode = { nodeType: number; normalize(): void };

/** The page's DOM without cookie banners and the chrome that is never content. */
function parsePage(source: string) {
  // Not linkedom's parseHTML: that hands out the document's window, which linkedom keeps in a
  // module-wide WeakMap whose value refers back to the document, and V8's young collections keep
  // such entries alive: the whole DOM went to the old generation, to be freed only by a full
  // collection (parsing a page 3,000 times promoted 111 MB, against 5 MB this way).
  const document = new DOMParser().parseFromString(source.includes("<html") ? source : `<!doctype html><html><head></head><body>${source}</body></html>`, "text/html");
  for (const element of [...document.querySelectorAll("*")]) {
    const marker = `${element.getAttribute("id") ?? ""} ${element.getAttribute("class") ?? ""}`;
    if (BANNERS.test(marker)) element.remove();
  }
  for (const element of [...document.querySelectorAll(ALWAYS_DROPPED)]) element.remove();
  return document;
}

function clean(text: string | null | undefined): string | null {
  const trimmed = (text ?? "").replace(/\s+/g, " ").trim();
  return trimmed === "" ? null : trimmed;
}
