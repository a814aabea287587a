import type { AcquireErrorCode } from "@kmcp/acquire";
import type { ExtractErrorCode } from "@kmcp/extract";
import type { ChromaStoreErrorCode } from "@kmcp/chroma-store";
import type { CoreErrorCode } from "@kmcp/core";
import type { DbErrorCode } from "@kmcp/db";
import type { HealthErrorCode } from "@kmcp/health";
import type { LocalServerErrorCode } from "@kmcp/local-servers";
import type { SearchErrorCode } from "@kmcp/search";
import type { SyncErrorCode } from "@kmcp/sync-core";
import type { ConfigErrorCode } from "./errors.js";

/**
 * Every code a kmcp error can carry, from every package the apps assemble. The apps map it with
 * a `Record<KmcpErrorCode, ...>`, so a code added anywhere fails to compile until it is mapped.
 */
export type KmcpErrorCode =
  | CoreErrorCode
  | DbErrorCode
  | ChromaStoreErrorCode
  | SyncErrorCode
  | SearchErrorCode
  | HealthErrorCode
  | LocalServerErrorCode
  | ConfigErrorCode
  | ExtractErrorCode
  | AcquireErrorCode;
