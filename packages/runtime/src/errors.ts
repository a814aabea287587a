import { KmcpError } from "@kmcp/core";

/** What @kmcp/runtime refuses itself: `VALIDATION`, a bad setting (the message names the variable, never its value). */
export type ConfigErrorCode = "VALIDATION";

export class ConfigError extends KmcpError<ConfigErrorCode> {
  override readonly name = "ConfigError";
}
