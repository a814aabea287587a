// Its own module, so the configuration (the light `@kmcp/runtime/config` entry point) can parse
// durations without loading @kmcp/db.

/** Pure: `7d`, `12h`, `30m`, `45s` or plain milliseconds, as milliseconds; null when not a duration. */
export function parseDuration(text: string): number | null {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)?\s*$/i.exec(text);
  if (!match) return null;
  const unit = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 }[(match[2] ?? "ms").toLowerCase() as "ms"];
  return Math.round(Number(match[1]) * unit);
}
