import { TextDecoder } from "node:util";

/** Labels TextDecoder knows under another name, or that name a superset. */
const ALIASES: Record<string, string> = { latin1: "windows-1252", "iso8859-1": "windows-1252", "x-user-defined": "windows-1252" };

/** The encoding a byte order mark announces, or null. */
function bomEncoding(bytes: Uint8Array): string | null {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return "utf-8";
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return "utf-16le";
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return "utf-16be";
  return null;
}

/** The charset an HTML page declares in its first 1024 bytes (`<meta charset>` or `http-equiv` Content-Type), or null. */
export function metaCharset(bytes: Uint8Array): string | null {
  const head = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.byteLength, 1024)).toString("latin1");
  const direct = /<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)/i.exec(head);
  return direct?.[1]?.toLowerCase() ?? null;
}

function decoderFor(label: string | null): TextDecoder | null {
  if (!label) return null;
  try {
    return new TextDecoder(ALIASES[label.toLowerCase()] ?? label);
  } catch {
    return null; // an unknown label: fall through to the next source of truth
  }
}

/**
 * Text from bytes: a byte order mark wins, then `charset` (from a header), then an HTML
 * `<meta charset>` when `html`, else UTF-8. Unknown labels are skipped; bad bytes become U+FFFD.
 */
export function decodeText(bytes: Uint8Array, charset: string | null | undefined, html: boolean): string {
  const decoder =
    decoderFor(bomEncoding(bytes)) ?? decoderFor(charset ?? null) ?? (html ? decoderFor(metaCharset(bytes)) : null) ?? new TextDecoder("utf-8");
  return decoder.decode(bytes);
}
