/** The samples of a Prometheus text exposition: `name{labels}` → value (prom-client writes NaN as `Nan`). */
export function samples(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split("\n").filter((l) => l && !l.startsWith("#"))) {
    const at = line.lastIndexOf(" ");
    out.set(line.slice(0, at), Number(line.slice(at + 1).replace(/^Nan$/i, "NaN")));
  }
  return out;
}
