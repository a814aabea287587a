/**
 * Input schemas for every write and query, so the libraries, the CLI and the MCP server validate
 * with exactly the same rules.
 */
import { z } from "zod";
import { AuthorityTierSchema, RequestStatusSchema, SourceStatusSchema, SourceTypeSchema } from "./domain.js";
import { normaliseUrl } from "./url.js";

export const MAX_PAGE_SIZE = 1000;
export const MAX_TITLE_LENGTH = 500;
export const MAX_DESCRIPTION_LENGTH = 5000;
export const MAX_REASON_LENGTH = 2000;
export const MAX_NAME_LENGTH = 200;

// Control characters have no place in titles or names and are a common injection vector
// into terminals and logs; descriptions may keep tabs and newlines.
const CONTROL_CHARS = /[\u0000-\u001f\u007f-\u009f]/;
const CONTROL_CHARS_EXCEPT_WHITESPACE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;
// A lone UTF-16 surrogate cannot be encoded as UTF-8: PostgreSQL (via Prisma) fails on it with an
// internal error instead of a validation one, so refuse it here with a clear message.
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

function text(max: number, options: { multiline?: boolean } = {}) {
  const forbidden = options.multiline ? CONTROL_CHARS_EXCEPT_WHITESPACE : CONTROL_CHARS;
  return z
    .string({ error: (issue) => (issue.input === undefined ? "is required" : "must be text") })
    .trim()
    .min(1, "must not be empty")
    .max(max, `must be at most ${max} characters`)
    .refine((s) => !forbidden.test(s), "must not contain control characters")
    .refine((s) => !LONE_SURROGATE.test(s), "must be valid Unicode text (it contains a lone surrogate)");
}

function urlSchema(options: { allowFile: boolean }) {
  return z.string().transform((value, ctx) => {
    try {
      return normaliseUrl(value, options);
    } catch (error) {
      ctx.addIssue({ code: "custom", message: (error as Error).message });
      return z.NEVER;
    }
  });
}

/** A web URL, normalised (see normaliseUrl): what an acquisition request asks to fetch. */
export const UrlSchema = urlSchema({ allowFile: false });
/** A source URL, normalised: a web URL, or a `file:` URL for a local document (see ingestion). */
export const SourceUrlSchema = urlSchema({ allowFile: true });

export const IdSchema = z.uuid({ message: "must be a UUID" });

/** An id or a URL naming one source. */
export const SourceRefSchema = z
  .string()
  .trim()
  .min(1, "must be a source id or url")
  .transform((value, ctx): { id: string } | { url: string } => {
    if (IdSchema.safeParse(value).success) return { id: value.toLowerCase() };
    const url = SourceUrlSchema.safeParse(value);
    if (url.success) return { url: url.data };
    ctx.addIssue({ code: "custom", message: "must be a source id (UUID), an http(s) URL or a file URL" });
    return z.NEVER;
  });

export const SourceCreateSchema = z.strictObject({
  url: SourceUrlSchema,
  title: text(MAX_TITLE_LENGTH),
  sourceType: SourceTypeSchema,
  authorityTier: AuthorityTierSchema,
  status: SourceStatusSchema.default("pending"),
  description: text(MAX_DESCRIPTION_LENGTH, { multiline: true }).nullish(),
  lastCrawledAt: z.coerce.date().nullish(),
});

export const SourceUpdateSchema = SourceCreateSchema.omit({ status: true })
  .extend({ status: SourceStatusSchema })
  .partial()
  .refine((patch) => Object.values(patch).some((v) => v !== undefined), "give at least one field to change");

export const MAX_CURSOR_LENGTH = 1000;

const PageSchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(50),
  cursor: z.string().min(1).max(MAX_CURSOR_LENGTH).optional(),
});

/** The filters of a source list (and count): the same in PostgreSQL, the mirror and search. */
export const SourceFiltersSchema = z.strictObject({
  sourceType: SourceTypeSchema.optional(),
  authorityTier: AuthorityTierSchema.optional(),
  status: SourceStatusSchema.optional(),
});

export const MAX_QUERY_TEXT_LENGTH = 200;

export const SourceListQuerySchema = PageSchema.extend({
  ...SourceFiltersSchema.shape,
  /** Case-insensitive text to find in the title or the url. */
  query: text(MAX_QUERY_TEXT_LENGTH).optional(),
});

export const RequestCreateSchema = z.strictObject({
  /** Supply your own id to make a retried create idempotent. */
  id: IdSchema.optional(),
  url: UrlSchema,
  reason: text(MAX_REASON_LENGTH, { multiline: true }),
  priority: z.coerce.number().int().min(1, "must be from 1 to 5").max(5, "must be from 1 to 5").default(3),
  requestedBy: text(MAX_NAME_LENGTH).nullish(),
});

export const RequestListQuerySchema = PageSchema.extend({
  status: RequestStatusSchema.optional(),
});

/** What completing a request needs to create its Source when none exists for its URL yet. */
export const CompletionSourceSchema = SourceCreateSchema.pick({
  title: true,
  sourceType: true,
  authorityTier: true,
  description: true,
});

/**
 * What acquiring a url or crawling a site may set on the source it creates (else the document's
 * title and the ingest defaults): the CLI's flags and knowledge_acquire validate with it.
 */
export const AcquireSourceOptionsSchema = SourceCreateSchema.pick({ title: true, sourceType: true, authorityTier: true }).partial();

export const RequestTransitionSchema = z.discriminatedUnion("to", [
  z.strictObject({ id: IdSchema, to: z.literal("approved") }),
  z.strictObject({ id: IdSchema, to: z.literal("rejected") }),
  z.strictObject({ id: IdSchema, to: z.literal("completed"), source: CompletionSourceSchema.optional() }),
]);

export const ChangeFeedQuerySchema = z.strictObject({
  after: z.string().min(1).max(200).nullish(),
  limit: z.coerce.number().int().min(1).max(10_000).default(500),
});

export type SourceCreateInput = z.input<typeof SourceCreateSchema>;
export type SourceUpdateInput = z.input<typeof SourceUpdateSchema>;
export type SourceListQuery = z.input<typeof SourceListQuerySchema>;
export type RequestCreateInput = z.input<typeof RequestCreateSchema>;
export type RequestListQuery = z.input<typeof RequestListQuerySchema>;
export type RequestTransitionInput = z.input<typeof RequestTransitionSchema>;
export type ChangeFeedQuery = z.input<typeof ChangeFeedQuerySchema>;
export type AcquireSourceOptions = z.input<typeof AcquireSourceOptionsSchema>;

export type SourceFilters = z.output<typeof SourceFiltersSchema>;
