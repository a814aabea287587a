/** A query's double-quoted phrases (lower-cased, spaces collapsed), and its text without the quotes. */
export function parseQuery(query: string): { text: string; phrases: string[] } {
  const phrases: string[] = [];
  for (const match of query.matchAll(/"([^"]+)"/g)) {
    const phrase = normalisePhrase(match[1] ?? "");
    if (/[\p{L}\p{N}]/u.test(phrase) && !phrases.includes(phrase)) phrases.push(phrase);
  }
  return { text: query.replace(/"/g, " ").replace(/\s+/g, " ").trim(), phrases };
}

/** Whether `text` holds every phrase, ignoring case and runs of white space. */
export function holdsPhrases(text: string, phrases: readonly string[]): boolean {
  if (phrases.length === 0) return true;
  const flat = normalisePhrase(text);
  return phrases.every((phrase) => flat.includes(phrase));
}

const normalisePhrase = (text: string) => text.normalize("NFKC").toLowerCase().replace(/\s+/g, " ").trim();
