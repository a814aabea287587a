import { KmcpError } from "@kmcp/core";

/** What @kmcp/runtime refuses itself: `VALIDATION`, a bad setting (the message names the variable, never its value). */
export class ConfigError extends KmcpError<"VALIDATION"> {
  override readonly name = "ConfigError";
}
export type ConfigErrorCode = ConfigError["code"];
