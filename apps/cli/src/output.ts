/** What output is written to: a process's stream, or anything that takes text (tests). */
export interface OutputStream {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

/** Human output to stdout, diagnostics to stderr; colour only on a TTY and never with NO_COLOR. */
export function createOutput(options: { stdout?: OutputStream; stderr?: OutputStream; env?: NodeJS.ProcessEnv } = {}) {
  const stdout = options.stdout ?? process.stdout;
  const stderr = options.stderr ?? process.stderr;
  const env = options.env ?? process.env;
  const colour = Boolean(stdout.isTTY) && env.NO_COLOR === undefined && env.TERM !== "dumb";
  const paint = (code: number) => (text: string) => (colour ? `\u001b[${code}m${text}\u001b[0m` : text);
  const out = {
    line: (text = "") => void stdout.write(`${text}\n`),
    warn: (text: string) => void stderr.write(`${paint(33)("warning:")} ${text}\n`),
    /** Something worth knowing while a command runs (stderr, so --json output stays clean). */
    note: (text: string) => void stderr.write(`${text}\n`),
    json: (value: unknown) => void stdout.write(`${JSON.stringify(value, null, 2)}\n`),
    bold: paint(1),
    dim: paint(2),
    green: paint(32),
    yellow: paint(33),
    red: paint(31),
    /** Columns padded to their widest cell; the last column is never padded. */
    table(headers: string[], rows: string[][]) {
      const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
      const format = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join("  ");
      out.line(out.bold(format(headers)));
      for (const row of rows) out.line(format(row));
    },
    /** A progress bar on stderr, only when stderr is a terminal. */
    progress(label: string) {
      const tty = Boolean(stderr.isTTY);
      return {
        /** `note` replaces the default `done/total` text after the bar (e.g. rows when done counts bytes). */
        update(done: number, total?: number, note?: string) {
          if (!tty) return;
          const text = note ?? (total ? `${done}/${total}` : `${done}`);
          const bar = total ? `[${"#".repeat(Math.round((20 * Math.min(done, total)) / total)).padEnd(20, "-")}] ${text}` : text;
          stderr.write(`\r${label} ${bar}\x1b[K`);
        },
        done() {
          if (tty) stderr.write("\n");
        },
      };
    },
  };
  return out;
}

export type Output = ReturnType<typeof createOutput>;
