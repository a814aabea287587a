import { Lexer, type Token, type Tokens } from "marked";

/**
 * Pure: the http(s) links of an llms.txt file (Markdown: a title, a summary and lists of
 * `[name](url): notes`), resolved against `fileUrl`, in order, unique.
 */
export function parseLlmsTxt(markdown: string, fileUrl: string): string[] {
  const links = new Set<string>();
  const visit = (tokens: readonly Token[]) => {
    for (const token of tokens) {
      if (token.type === "link") {
        const href = (token as Tokens.Link).href.trim();
        if (URL.canParse(href, fileUrl)) {
          const url = new URL(href, fileUrl);
          if (url.protocol === "http:" || url.protocol === "https:") links.add(url.href);
        }
      }
      const nested = token as { tokens?: Token[]; items?: Tokens.ListItem[] };
      if (nested.tokens) visit(nested.tokens);
      if (nested.items) visit(nested.items);
    }
  };
  visit(new Lexer().lex(markdown));
  return [...links];
}
