/** `text` with the `user:password@` part of every URL in it replaced by `***@`, safe for messages and logs. */
export function redactCredentials(text: string): string {
  return text.replace(/([a-z][a-z0-9+.-]*:\/\/)[^/?#@\s]*@/gi, "$1***@");
}
