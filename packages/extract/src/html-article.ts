import { Readability } from "@mozilla/readability";

/** What the visibility test reads of an element (linkedom's and a browser's elements have it). */
interface ElementLike {
  getAttribute(name: string): string | null;
  hasAttribute(name: string): boolean;
  className?: unknown;
}

/** A node whose element descendants can be walked (linkedom's and a browser's elements and documents). */
interface ParentLike {
  firstElementChild: TreeElement | null;
}
interface TreeElement extends ParentLike {
  localName: string;
  nextElementSibling: TreeElement | null;
  parentNode: unknown;
}

/** A linkedom document, as much of it as is touched here. */
interface DocumentLike {
  querySelector(selectors: string): ElementLike | null;
}

type ReadabilityOptions = ConstructorParameters<typeof Readability>[1];

/**
 * Readability's article of a parsed page, without what would keep the page's DOM alive after it:
 * linkedom makes an element's `style` and a document's window (which `baseURI` reads) on first
 * use and keeps them in module-wide WeakMaps whose values refer back to the element or document.
 * V8's young collections hold WeakMap values strongly, so every page Readability had read went
 * whole to the old generation, freed only by a full collection that a crawl may not reach for
 * hundreds of pages. Here the document's base URI is read without its window, and visibility
 * from the `style` attribute — the same answers linkedom gives. Two of Readability 0.6's own
 * methods are replaced on this reader: were a later version to rename them, its own would run
 * (the same Markdown, the cost back; the style test in html-article.test.ts catches that one).
 */
export function readArticle(document: DocumentLike, options: ReadabilityOptions) {
  // linkedom's baseURI: a <base href>, else the window's location, which Node does not have.
  Object.defineProperty(document, "baseURI", { value: document.querySelector("base")?.getAttribute("href") ?? null, configurable: true });
  const reader = new Readability(document as never, options);
  // The one place Readability reads `style` (hidden elements are not content).
  (reader as unknown as { _isProbablyVisible: (node: ElementLike) => boolean })._isProbablyVisible = isProbablyVisible;
  // Readability looks elements up by tag dozens of times a page, through querySelectorAll, for
  // which linkedom parses and compiles the selector each time (a fifth of extraction's allocation).
  (reader as unknown as { _getAllNodesWithTag: typeof elementsWithTag })._getAllNodesWithTag = elementsWithTag;
  return reader.parse();
}

/** Readability's `_isProbablyVisible`, with the inline style read from the attribute. */
export function isProbablyVisible(node: ElementLike): boolean {
  const style = node.getAttribute("style");
  const className = typeof node.className === "string" ? node.className : "";
  return (
    inlineStyle(style, "display") !== "none" &&
    inlineStyle(style, "visibility") !== "hidden" &&
    !node.hasAttribute("hidden") &&
    (!node.hasAttribute("aria-hidden") || node.getAttribute("aria-hidden") !== "true" || className.includes("fallback-image"))
  );
}

/** A property's value in a `style` attribute, read as linkedom reads it (the last declaration wins; "" when none). */
export function inlineStyle(style: string | null, property: string): string {
  let value = "";
  for (const rule of (style ?? "").split(/\s*;\s*/)) {
    const colon = rule.indexOf(":");
    if (colon >= 0 && rule.slice(0, colon).trim() === property) {
      const declared = rule.slice(colon + 1).trim();
      if (declared) value = declared;
    }
  }
  return value;
}

/** The element descendants of `node` whose tag is one of `tagNames`, in document order: `node.querySelectorAll(tagNames.join(","))` for plain tag names. */
export function elementsWithTag(node: ParentLike, tagNames: readonly string[]): TreeElement[] {
  const wanted = new Set(tagNames.map((name) => name.toLowerCase()));
  const found: TreeElement[] = [];
  let element = node.firstElementChild;
  while (element) {
    if (wanted.has(element.localName.toLowerCase())) found.push(element);
    if (element.firstElementChild) {
      element = element.firstElementChild;
      continue;
    }
    // The next element in document order: a sibling of this element or of the nearest ancestor below `node` that has one.
    while (element && !element.nextElementSibling) {
      const parent = element.parentNode as TreeElement | null;
      element = parent === node || parent === null ? null : parent;
    }
    element = element?.nextElementSibling ?? null;
  }
  return found;
}
