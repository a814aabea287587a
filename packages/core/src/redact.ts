// The whole user-info part of a URL (`user:password@` or a bare `token@`): a user name can be a token.
const URL_CREDENTIALS = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#@]*@/gi;

const BEARER_TOKEN = /(bearer\s+)[^\s"',;]{8,}/gi;
const RUN = /[A-Za-z0-9_\-.+/=]{8,}/g;

/**
 * Text safe for logs, errors and tool output: the user-info of every URL becomes `***@`, a
 * `Bearer <token>` becomes `Bearer ***`, and every given secret (a password, an API key) becomes
 * `***` — whole, or any 8+ character run of it (servers echo keys half-masked, `sk-proj-abcd****`).
 */
export function redactSecrets(text: string, secrets: readonly (string | undefined)[] = []): string {
  let out = text.replace(URL_CREDENTIALS, "$1***@").replace(BEARER_TOKEN, "$1***");
  const given = secrets.filter((secret): secret is string => !!secret && secret.length >= 3);
  for (const secret of given) out = out.split(secret).join("***");
  const long = given.filter((secret) => secret.length >= 8);
  return long.length ? out.replace(RUN, (run) => (long.some((secret) => secret.includes(run)) ? "***" : run)) : out;
}

/** A redactor bound to these secrets. */
export function createRedactor(secrets: readonly (string | undefined)[]): (text: string) => string {
  return (text) => redactSecrets(text, secrets);
}

/**
 * A copy of an error (and its causes) whose message and stack went through `redact`, keeping
 * its name and string `code`/`kind`, so a cause kept for debugging cannot leak a secret either.
 */
export function scrubError(error: unknown, redact: (text: string) => string, depth = 0): Error {
  const original = error instanceof Error ? error : new Error(String(error));
  const copy = new Error(redact(original.message));
  copy.name = original.name;
  copy.stack = original.stack ? redact(original.stack) : undefined;
  for (const key of ["code", "kind"] as const) {
    const value = (original as unknown as Record<string, unknown>)[key];
    if (typeof value === "string") Object.assign(copy, { [key]: value });
  }
  if (original.cause !== undefined && depth < 5) copy.cause = scrubError(original.cause, redact, depth + 1);
  return copy;
}
