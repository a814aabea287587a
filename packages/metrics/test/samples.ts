import { expect } from "vitest";

/** The samples of a Prometheus text exposition: `name{labels}` → value (prom-client writes NaN as `Nan`). */
export function samples(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split("\n").filter((l) => l && !l.startsWith("#"))) {
    const at = line.lastIndexOf(" ");
    out.set(line.slice(0, at), Number(line.slice(at + 1).replace(/^Nan$/i, "NaN")));
  }
  return out;
}

/** Asserts these samples' values all at once (NaN matches NaN), so a failure shows every one that differs. */
export function expectSamples(s: Map<string, number>, expected: Record<string, number>): void {
  expect(Object.fromEntries(Object.keys(expected).map((name) => [name, s.get(name)]))).toEqual(expected);
}
