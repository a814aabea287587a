/** Structured logging, injected: packages never write to the console on their own. */
export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export type LogLevel = "debug" | "info" | "warn" | "error" | "silent";

const LEVELS: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };

/**
 * One JSON object per line, to stderr by default (stdout of an MCP stdio server is the
 * protocol). `redact` runs over every line, so a password cannot slip into the log.
 */
export function createJsonLogger(options: {
  level?: LogLevel;
  stream?: { write(line: string): unknown };
  redact?: (text: string) => string;
  now?: () => Date;
} = {}): Logger {
  const threshold = LEVELS[options.level ?? "info"];
  const stream = options.stream ?? process.stderr;
  const redact = options.redact ?? ((t: string) => t);
  const now = options.now ?? (() => new Date());
  const write = (level: Exclude<LogLevel, "silent">) => (message: string, fields: Record<string, unknown> = {}) => {
    if (LEVELS[level] < threshold) return;
    stream.write(`${redact(JSON.stringify({ time: now().toISOString(), level, msg: message, ...fields }))}\n`);
  };
  return { debug: write("debug"), info: write("info"), warn: write("warn"), error: write("error") };
}
