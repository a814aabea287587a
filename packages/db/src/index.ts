export { createDb, DbOptionsSchema } from "./create-db.js";
export type { Db, DbOptions } from "./create-db.js";

export { DbError, isDbError, redactSecrets } from "./errors.js";
export type { DbErrorCode } from "./errors.js";

export { normaliseUrl, MAX_URL_LENGTH } from "./url.js";
export { migrate, migrationStatus, planMigrations } from "./migrate.js";
export type { Migration, MigrationStatus, MigrateResult } from "./migrate.js";
export type { PingResult } from "./ping.js";
export type { ChangeFeed, ChangePage, SourceChange } from "./change-feed.js";
export type { SourcesRepository, UpsertManyResult } from "./sources-repository.js";
export type { RequestsRepository } from "./requests-repository.js";
export { REQUEST_TRANSITIONS } from "./request-transitions.js";
export { formatIssues, parseInput } from "./validate.js";
export { decodeSourceCursor, encodeSourceCursor } from "./cursor.js";

export {
  AuthorityTierSchema,
  ChangeFeedQuerySchema,
  CompletionSourceSchema,
  IdSchema,
  MAX_DESCRIPTION_LENGTH,
  MAX_PAGE_SIZE,
  MAX_REASON_LENGTH,
  MAX_TITLE_LENGTH,
  RequestCreateSchema,
  RequestListQuerySchema,
  RequestStatusSchema,
  RequestTransitionSchema,
  SourceCreateSchema,
  SourceListQuerySchema,
  SourceRefSchema,
  SourceStatusSchema,
  SourceTypeSchema,
  SourceUpdateSchema,
  SourceUrlSchema,
  UrlSchema,
} from "./schemas.js";
export type {
  ChangeFeedQuery,
  RequestCreateInput,
  RequestListQuery,
  RequestTransitionInput,
  SourceCreateInput,
  SourceListQuery,
  SourceUpdateInput,
} from "./schemas.js";

export { AuthorityTier, RequestStatus, SourceStatus, SourceType } from "./generated/prisma/enums.js";
export type { AcquisitionRequest, Page, Source } from "./types.js";
