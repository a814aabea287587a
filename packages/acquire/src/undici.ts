/**
 * undici, imported at the first fetch (~70 ms of a process's start): the CLI and the MCP server
 * load this package with their commands and tools, and most of their runs never fetch.
 */
export type Undici = typeof import("undici");

let loading: Promise<Undici> | undefined;

export function loadUndici(): Promise<Undici> {
  loading ??= import("undici");
  return loading;
}
