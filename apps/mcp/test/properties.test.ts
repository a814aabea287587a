import { createDb, type Db } from "@kmcp/db";
import type { LocalChroma, LocalPostgres } from "@kmcp/local-servers";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, connectStdio, startStores, text } from "./harness.js";

// Property-based tests of the built server's tool inputs: hostile and malformed arguments must
// come back as short isError results, write nothing, and never widen a text search.

const RUNS = { numRuns: 150, seed: 20261124 } as const;

const SEEDS = [
  { url: "https://prop-docs.example.test/guide", title: "Property guide 100% covered", sourceType: "documentation" },
  { url: "https://prop-blog.example.test/snake_case", title: "Why snake_case wins", sourceType: "blog" },
  { url: "https://prop-std.example.test/", title: "Standard for $and and {\"$ne\":null} filters", sourceType: "standards_body" },
  { url: "https://prop-web.example.test/o'brien", title: "O'Brien's notes; DROP TABLE", sourceType: "website" },
  { url: "https://prop-uni.example.test/", title: "Ünïcödé ✓ עברית 😀 page", sourceType: "repository" },
] as const;

const INJECTIONS = [
  "'; DROP TABLE sources; --",
  "' OR '1'='1",
  "\" OR 1=1 --",
  "%",
  "%%",
  "_",
  "%_%",
  "\\",
  "\\%",
  "$and",
  "$or",
  "$ne",
  "{\"$ne\":null}",
  "{\"$regex\":\".*\"}",
  ".*",
  "*",
  "?",
  "[a-z]",
  "null",
  "undefined",
  "__proto__",
  "constructor",
];

const BAD_URLS = [
  "javascript:alert(1)",
  "JaVaScRiPt:alert(document.cookie)",
  "data:text/html,<script>alert(1)</script>",
  "file:///etc/passwd",
  "ftp://files.example.test/x",
  "mailto:a@example.test",
  "ws://example.test/",
  "gopher://example.test/",
  "chrome://settings",
  "about:blank",
  "vbscript:msgbox(1)",
  "//example.test/no-scheme",
  "/relative/path",
  "example.test",
  "https://",
  "http://user:pass@example.test/",
  "https://:secret@example.test/",
  "not a url",
  "   ",
  "",
];

const huge = fc.constantFrom("a".repeat(100_000), "%".repeat(100_000), "😀".repeat(50_000), "\u0000".repeat(100_000));
const controlChars = fc
  .array(fc.integer({ min: 0, max: 0x1f }).map((c) => String.fromCharCode(c)), { minLength: 1, maxLength: 10 })
  .map((cs) => `a${cs.join("")}b`);
const loneSurrogates = fc.constantFrom("\ud800", "a\udc00b", "\udfff\ud800", "x\ud83dy");
const unicode = fc.oneof(
  fc.string({ unit: "grapheme", minLength: 1, maxLength: 30 }),
  fc.string({ unit: "binary", minLength: 1, maxLength: 30 }),
  fc.constantFrom("\u202eevil\u202c", "עברית", "مرحبا", "😀👩‍👩‍👧", "\ufeff", "\u200b", "İı", "ß"),
);
/** Any string at all, from harmless to hostile. */
const hostileString = fc.oneof(fc.string(), fc.constantFrom(...INJECTIONS), fc.constantFrom(...BAD_URLS), huge, controlChars, loneSurrogates, unicode);
/** Anything JSON can carry that is not a string. */
const notAString = fc.oneof(
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.jsonValue(), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.jsonValue(), { maxKeys: 3 }),
  fc.constant({ $ne: null }),
);
/** Anything JSON can carry that is not a whole number. */
const notAnInteger = fc.oneof(
  fc.double({ noNaN: true, noDefaultInfinity: true }).filter((d) => !Number.isInteger(d)),
  hostileString,
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.integer(), { maxLength: 3 }),
  fc.constant({ $gt: 0 }),
);
const outOfRange = (min: number, max: number) =>
  fc.oneof(fc.integer({ max: min - 1 }), fc.integer({ min: max + 1 }), fc.constantFrom(min - 1, max + 1, -0.5, 1e308, -1e308, Number.MAX_SAFE_INTEGER + 2), notAnInteger);
const notInEnum = (values: readonly string[]) => fc.oneof(hostileString, notAString).filter((v) => !(typeof v === "string" && values.includes(v)));

/** No lone UTF-16 surrogates (String.prototype.isWellFormed, which our TypeScript lib does not declare). */
const isWellFormed = (s: string) => !/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(s);

/** What the server's cursor decoder would accept (a base64url JSON array of `arity` strings). */
function decodesAsCursor(value: string, arity: number): boolean {
  try {
    const v: unknown = JSON.parse(Buffer.from(value, "base64url").toString("utf8"));
    return Array.isArray(v) && v.length === arity && v.every((x) => typeof x === "string");
  } catch {
    return false;
  }
}
const badCursor = (arity: number) => fc.oneof(hostileString, notAString).filter((v) => !(typeof v === "string" && decodesAsCursor(v, arity)));

/** What knowledge_search's shared schema accepts as limit: anything Number() turns into a whole number from 1 to 50. */
function validSearchLimit(value: unknown): boolean {
  const n = Number(value);
  return Number.isInteger(n) && n >= 1 && n <= 50;
}

/** Strings that are neither a UUID nor an http(s) or file URL, or not strings at all. */
const badIdOrUrl = fc
  .oneof(hostileString, notAString)
  .filter((v) => !(typeof v === "string" && /^\s*(https?:\/\/[^\s/]|file:\/\/\/.)/i.test(v)));

/** One field of `base` replaced by an invalid value: the call as a whole is invalid. */
function withOneBadField(base: Record<string, unknown>, bad: Record<string, fc.Arbitrary<unknown>>): fc.Arbitrary<Record<string, unknown>> {
  return fc.constantFrom(...Object.keys(bad)).chain((key) => bad[key]!.map((value) => ({ ...base, [key]: value })));
}

const invalidCalls: fc.Arbitrary<[string, Record<string, unknown>]> = fc.oneof(
  withOneBadField({}, { limit: outOfRange(1, 1000), sourceType: notInEnum(["website", "documentation", "standards_body", "blog", "repository"]), authorityTier: notInEnum(["tier_1_canonical", "tier_2_trusted", "tier_3_community"]), status: notInEnum(["pending", "active", "failed", "archived"]), cursor: badCursor(1), query: fc.oneof(notAString, huge, controlChars, fc.constantFrom("", " ", "\t\t", "a".repeat(201))) }).map((a) => ["knowledge_sources", a] as [string, Record<string, unknown>]),
  badIdOrUrl.map((v) => ["knowledge_source", { idOrUrl: v }] as [string, Record<string, unknown>]),
  withOneBadField(
    { url: "https://prop-request.example.test/", reason: "a valid reason", priority: 3 },
    {
      url: fc.oneof(fc.constantFrom(...BAD_URLS), notAString, huge, controlChars),
      reason: fc.oneof(notAString, huge, loneSurrogates, fc.constantFrom("", "   ", "\u0000", "a\u0007b", "x\u001bc")),
      priority: outOfRange(1, 5),
      requestedBy: fc.oneof(notAString, huge, controlChars, loneSurrogates, fc.constantFrom("", "  ")),
      id: fc.oneof(notAString, hostileString.filter((s) => !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(s))),
    },
  ).map((a) => ["knowledge_request", a] as [string, Record<string, unknown>]),
  // Required arguments missing (rarely: there are only a few such calls).
  {
    arbitrary: fc.constantFrom<[string, Record<string, unknown>]>(["knowledge_source", {}], ["knowledge_request", {}], ["knowledge_request", { url: "https://prop-request.example.test/" }], ["knowledge_request", { reason: "no url" }]),
    weight: 1,
  },
  withOneBadField({}, { status: notInEnum(["pending", "approved", "rejected", "completed"]), limit: outOfRange(1, 1000), cursor: badCursor(2) }).map(
    (a) => ["knowledge_requests", a] as [string, Record<string, unknown>],
  ),
  withOneBadField({}, { action: notInEnum(["status", "run"]), mode: notInEnum(["incremental", "full"]) }).map((a) => ["knowledge_sync", a] as [string, Record<string, unknown>]),
  withOneBadField(
    { query: "snake_case filters", limit: 5 },
    {
      // Blank, wordless (no letter or digit), too long, or not text at all.
      query: fc.oneof(notAString, huge, loneSurrogates.filter((q) => !/[\p{L}\p{N}]/u.test(q)), fc.constantFrom("", "   ", "\t\n", "?!", "%%", "$ne", "'; --", "\u0000", "😀", "\u200b", "a".repeat(1001))),
      // The shared schema coerces limit (for the CLI's string flags): a value that becomes a whole number from 1 to 50 is valid.
      limit: outOfRange(1, 50).filter((v) => !validSearchLimit(v)),
      sourceType: notInEnum(["website", "documentation", "standards_body", "blog", "repository"]),
      authorityTier: notInEnum(["tier_1_canonical", "tier_2_trusted", "tier_3_community"]),
      status: fc.oneof(fc.constant("archived"), notInEnum(["pending", "active", "failed"])),
      // An unknown argument is refused, not ignored.
      cursor: fc.oneof(hostileString, notAString),
      [INJECTIONS[0]!]: fc.oneof(hostileString, notAString),
    },
  ).map((a) => ["knowledge_search", a] as [string, Record<string, unknown>]),
  {
    arbitrary: fc.constantFrom<[string, Record<string, unknown>]>(["knowledge_search", {}], ["knowledge_search", { limit: 5 }]),
    weight: 1,
  },
);

describe("MCP tools under random and hostile input (property-based)", () => {
  let postgres: LocalPostgres;
  let chroma: LocalChroma;
  let db: Db;
  let session: Awaited<ReturnType<typeof connectStdio>>;
  let client: Client;
  let seeded: { title: string; url: string }[];
  const counts = async () => ({ sources: await db.prisma.source.count(), requests: await db.prisma.acquisitionRequest.count() });
  let before: Awaited<ReturnType<typeof counts>>;

  beforeAll(async () => {
    let env: Record<string, string>;
    ({ postgres, chroma, env } = await startStores());
    db = createDb({ url: postgres.url });
    await db.migrate();
    seeded = [];
    for (const s of SEEDS) seeded.push(await db.sources.create({ ...s, authorityTier: "tier_2_trusted", status: "active" }));
    await db.requests.create({ url: "https://prop-existing.example.test/", reason: "seeded" });
    session = await connectStdio(env);
    client = session.client;
    before = await counts();
  });
  afterAll(async () => {
    await session?.close();
    await db?.close();
    await Promise.all([postgres?.destroy(), chroma?.destroy()]);
  });

  it("(a) answers every invalid call with a short isError message, never a crash or a stack", async () => {
    await fc.assert(
      fc.asyncProperty(invalidCalls, async ([name, args]) => {
        const result = await call(client, name, args);
        expect(result.isError, `${name} ${JSON.stringify(args).slice(0, 200)}`).toBe(true);
        const message = text(result);
        expect(message.length).toBeGreaterThan(0);
        // Short: bounded even for a 100 kB input (an echoed value is cut or at most the 2048-character limit).
        expect(message.length).toBeLessThan(4_000);
        expect(message.split("\n").length).toBeLessThanOrEqual(3);
        expect(message).not.toMatch(/\n\s+at /);
        expect(message).not.toMatch(/node_modules|\.js:\d+:\d+/);
      }),
      RUNS,
    );
  });

  it("(b) wrote nothing: sources and requests in PostgreSQL are as before", async () => {
    expect(await counts()).toEqual(before);
    // The seeded rows are still all there (no injection dropped or altered them).
    const rows = await db.prisma.source.findMany({ select: { url: true, title: true }, orderBy: { url: "asc" } });
    expect(rows).toEqual([...seeded].map(({ url, title }) => ({ url, title })).sort((a, b) => (a.url < b.url ? -1 : 1)));
  });

  it("(c) is still up: lists its tools and answers a normal call", async () => {
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toContain("knowledge_sources");
    const list = await call(client, "knowledge_sources", { limit: 100 });
    expect(list.isError).toBeFalsy();
    expect((list.structuredContent!.items as unknown[]).length).toBe(SEEDS.length);
  });

  /** A query string an agent could send: valid type and length, any content. */
  const queries = fc.oneof(
    fc.constantFrom(...INJECTIONS),
    fc.string({ minLength: 1, maxLength: 20 }),
    fc.string({ unit: "grapheme", minLength: 1, maxLength: 10 }),
    unicode.filter((s) => s.length <= 200),
    // Pieces of the seeded titles and urls, in any case, so many queries do match something.
    fc
      .tuple(fc.constantFrom(...SEEDS.flatMap((s) => [s.title, s.url])), fc.nat(), fc.integer({ min: 1, max: 12 }), fc.boolean())
      .map(([s, start, len, upper]) => {
        const piece = s.slice(start % s.length, (start % s.length) + len);
        return upper ? piece.toUpperCase() : piece;
      })
      .filter((s) => s.length > 0),
  );
  const containsCi = (haystack: string, needle: string) =>
    haystack.toLowerCase().includes(needle.toLowerCase()) || haystack.toUpperCase().includes(needle.toUpperCase());

  async function checkQueries(origin: "primary" | "mirror") {
    await fc.assert(
      fc.asyncProperty(queries, async (query) => {
        const result = await call(client, "knowledge_sources", { query, limit: 1000 });
        const needle = query.trim();
        if (result.isError) {
          // Only a query that is blank, holds control characters or is not valid Unicode may be refused, as invalid input.
          const refusable = needle.length === 0 || /[\u0000-\u001f\u007f-\u009f]/.test(needle) || !isWellFormed(needle);
          expect(refusable, `refused ${JSON.stringify(query)}: ${text(result)}`).toBe(true);
          expect(text(result)).toMatch(/^Invalid source list query: query: /);
          return;
        }
        expect(result.structuredContent).toMatchObject({ origin });
        const items = result.structuredContent!.items as { title: string; url: string }[];
        for (const item of items) expect(containsCi(item.title, needle) || containsCi(item.url, needle), `${JSON.stringify(query)} returned ${item.url}`).toBe(true);
        // And no narrowing either, where JavaScript and PostgreSQL agree on case (ASCII).
        if (/^[\x20-\x7e]*$/.test(needle)) {
          const expected = seeded.filter((s) => s.title.toLowerCase().includes(needle.toLowerCase()) || s.url.toLowerCase().includes(needle.toLowerCase()));
          expect(items.map((i) => i.url).sort()).toEqual(expected.map((s) => s.url).sort());
        }
      }),
      RUNS,
    );
  }

  it("(d) never widens a text search: every source returned contains the query (PostgreSQL)", async () => {
    await checkQueries("primary");
    expect(await counts()).toEqual(before);
  });

  it("(d) never widens a text search from the offline mirror either", async () => {
    const synced = await call(client, "knowledge_sync", { action: "run", mode: "full" });
    expect(synced.structuredContent).toMatchObject({ state: { mirrorSize: SEEDS.length } });
    await postgres.kill();
    try {
      await checkQueries("mirror");
    } finally {
      await postgres.start();
    }
    expect(await counts()).toEqual(before);
  });
});
