/**
 * Whether an HTTP status is worth another attempt with the same request: timeouts (408), conflicts
 * and "too early" that servers use for transient states (409, 425), rate limits (429) and server
 * failures (5xx). Any other 4xx means the request itself is wrong and will fail again.
 */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 409 || status === 425 || status === 429 || (status >= 500 && status <= 599);
}

/** Longest wait a server may ask for; a longer `Retry-After` is shortened to this rather than obeyed. */
export const MAX_RETRY_AFTER_MS = 30_000;

/**
 * How long the server asked us to wait, from `retry-after-ms` (OpenAI's, milliseconds) or
 * `Retry-After` (seconds or an HTTP date), clamped to `[0, capMs]`; undefined when neither header
 * is present or parseable.
 */
export function retryAfterMs(headers: Headers, now: number = Date.now(), capMs: number = MAX_RETRY_AFTER_MS): number | undefined {
  const clamp = (ms: number) => Math.round(Math.min(capMs, Math.max(0, ms)));
  const milliseconds = headers.get("retry-after-ms")?.trim();
  if (milliseconds && /^\d+(?:\.\d+)?$/.test(milliseconds)) return clamp(Number(milliseconds));
  const value = headers.get("retry-after")?.trim();
  if (!value) return undefined;
  if (/^\d+(?:\.\d+)?$/.test(value)) return clamp(Number(value) * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : clamp(date - now);
}
