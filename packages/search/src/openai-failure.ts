const SERVER_MESSAGE_MAX = 300;

/** The server's own explanation of an error (OpenAI, Ollama, vLLM and FastAPI shapes, else the raw body), redacted then shortened. */
export function serverMessageOf(body: string, redact: (text: string) => string): string | undefined {
  let message: string | undefined;
  try {
    message = pickMessage(JSON.parse(body) as unknown);
  } catch {
    // Not JSON: the raw body (a proxy's HTML page, a plain-text error) still says something.
  }
  const text = redact(message ?? body).replace(/\s+/g, " ").trim();
  if (!text) return undefined;
  return text.length > SERVER_MESSAGE_MAX ? `${text.slice(0, SERVER_MESSAGE_MAX)}…` : text;
}

function pickMessage(json: unknown): string | undefined {
  if (!json || typeof json !== "object") return undefined;
  const { error, message, detail } = json as Record<string, unknown>;
  if (typeof error === "string") return error;
  if (error && typeof error === "object" && typeof (error as { message?: unknown }).message === "string") {
    return (error as { message: string }).message;
  }
  if (typeof message === "string") return message;
  if (typeof detail === "string") return detail;
  return detail === undefined ? undefined : JSON.stringify(detail);
}

/** The first system error code (ECONNREFUSED...) in an error's cause chain; fetch wraps them in TypeError("fetch failed"). */
export function errorCode(error: unknown): string | undefined {
  const seen = new Set<unknown>();
  for (let current: unknown = error; current instanceof Error && !seen.has(current); current = current.cause) {
    seen.add(current);
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string" && code !== "ABORT_ERR") return code;
  }
  return undefined;
}
