// turndown's browser build (see html-to-markdown.ts) has the API of its main entry.
declare module "turndown/lib/turndown.browser.cjs.js" {
  import TurndownService from "turndown";
  export default TurndownService;
}
