import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { json, kmcp, tempHome, type CliResult } from "./run-cli.js";

// Property-based tests of the built `kmcp` binary: random and hostile flag values are refused
// with exit 2 and one clear line, and nothing is written. Each run is a subprocess, so runs are few.

// Each run checks three inputs at once (three subprocesses in parallel): 24 inputs per property.
const RUNS = { numRuns: 8, seed: 20261124 } as const;
const batches = <T>(arb: fc.Arbitrary<T>) => fc.array(arb, { minLength: 3, maxLength: 3 });

const TYPES = ["website", "documentation", "standards_body", "blog", "repository"];
const TIERS = ["tier_1_canonical", "tier_2_trusted", "tier_3_community"];
const STATUSES = ["pending", "active", "failed", "archived"];

const INJECTIONS = ["'; DROP TABLE sources; --", "' OR '1'='1", "%", "_", "%_%", "\\", "$and", "{\"$ne\":null}", "__proto__", "null", "-1", "--json", "-h"];
const BAD_URLS = [
  "javascript:alert(1)",
  "data:text/html,<script>alert(1)</script>",
  "file:///etc/passwd",
  "ftp://files.example.test/x",
  "mailto:a@example.test",
  "ws://example.test/",
  "about:blank",
  "//example.test/no-scheme",
  "example.test",
  "https://",
  "http://user:pass@example.test/",
  "not a url",
  " ",
  "",
];

// argv cannot carry NUL; every other character can.
const noNul = (s: string) => !s.includes("\u0000");
const controlChars = fc
  .array(fc.integer({ min: 1, max: 0x1f }).map((c) => String.fromCharCode(c)), { minLength: 1, maxLength: 5 })
  .map((cs) => `a${cs.join("")}b`);
const hostile = fc
  .oneof(
    fc.string({ maxLength: 30 }),
    fc.string({ unit: "grapheme", maxLength: 20 }),
    fc.constantFrom(...INJECTIONS, ...BAD_URLS, "\u202eevil\u202c", "עברית 😀", "a".repeat(20_000)),
    controlChars,
  )
  .filter(noNul);
const notIn = (values: readonly string[]) => hostile.filter((v) => !values.includes(v));
/** Not a whole number in [min, max] once the library coerces it with Number(). */
const outOfRange = (min: number, max: number) =>
  fc
    .oneof(fc.integer({ max: min - 1 }).map(String), fc.integer({ min: max + 1 }).map(String), fc.constantFrom("1.5", "NaN", "Infinity", "", " ", "1e9", "0x0"), hostile)
    .filter((s) => {
      const n = Number(s);
      return !(Number.isInteger(n) && n >= min && n <= max);
    });
/** Not valid text for a title, reason or query: blank, control characters, or too long. */
const badText = (max: number) => fc.oneof(fc.constantFrom("", " ", "\t", "   "), controlChars, fc.constant("x".repeat(max + 1)));
const badUrl = fc.oneof(fc.constantFrom(...BAD_URLS), hostile.filter((s) => !/^\s*https?:\/\/[^\s/@]+/i.test(s)));
// A source may also be a local document (file:///path); an acquisition request may not.
const badSourceUrl = badUrl.filter((s) => !/^\s*file:\/\/\/./i.test(s));
const decodesAsCursor = (value: string, arity: number) => {
  try {
    const v: unknown = JSON.parse(Buffer.from(value, "base64url").toString("utf8"));
    return Array.isArray(v) && v.length === arity && v.every((x) => typeof x === "string");
  } catch {
    return false;
  }
};

/** A valid base with exactly one field replaced by an invalid value. */
function oneBad<T extends Record<string, string>>(base: T, bad: { [K in keyof T]?: fc.Arbitrary<string> }): fc.Arbitrary<T> {
  const keys = Object.keys(bad) as (keyof T)[];
  return fc.constantFrom(...keys).chain((key) => bad[key]!.map((value) => ({ ...base, [key]: value })));
}

let env: Record<string, string>;
let before: Snapshot;

interface Snapshot {
  sources: string[];
  requests: string[];
  pendingUpload: number;
}
async function snapshot(): Promise<Snapshot> {
  const sources = json<{ items: { id: string }[] }>(await kmcp(["sources", "list", "--json", "--limit", "1000"], env));
  const requests = json<{ items: { id: string }[]; pendingUpload: unknown[] }>(await kmcp(["requests", "list", "--json", "--limit", "1000"], env));
  return { sources: sources.items.map((s) => s.id).sort(), requests: requests.items.map((r) => r.id).sort(), pendingUpload: requests.pendingUpload.length };
}

/** Refused as a usage error: exit 2, one line on stderr, nothing on stdout, no stack trace. */
function expectRefused(result: CliResult, args: string[]) {
  const shown = JSON.stringify(args).slice(0, 300);
  expect(result.code, `${shown}\n${result.stderr}`).toBe(2);
  const lines = result.stderr.trim().split("\n");
  expect(lines, shown).toHaveLength(1);
  expect(lines[0], shown).toMatch(/^(kmcp: |error: )/);
  expect(result.stderr).not.toMatch(/\n\s+at /);
  expect(result.stdout).toBe("");
}

beforeAll(async () => {
  env = { KMCP_HOME: await tempHome() };
  expect((await kmcp(["up"], env)).code).toBe(0);
  expect((await kmcp(["sources", "add", "https://prop-cli.example.test/", "--title", "Seeded", "--type", "blog", "--tier", "tier_2_trusted"], env)).code).toBe(0);
  expect((await kmcp(["requests", "create", "https://prop-cli-wanted.example.test/", "--reason", "seeded"], env)).code).toBe(0);
  before = await snapshot();
  expect(before.sources).toHaveLength(1);
  expect(before.requests).toHaveLength(1);
});
afterAll(async () => {
  await kmcp(["down"], env);
});

describe("kmcp under random and hostile flag values (property-based)", () => {
  it("refuses an invalid `sources add` with exit 2 and one line", async () => {
    const base = { url: "https://prop-cli-new.example.test/", title: "A title", type: "blog", tier: "tier_2_trusted" };
    const inputs = fc.oneof(
      oneBad(base, { url: badSourceUrl, title: badText(500), type: notIn(TYPES), tier: notIn(TIERS) }),
      oneBad({ ...base, status: "active" }, { status: notIn(STATUSES) }),
    );
    await fc.assert(
      fc.asyncProperty(batches(inputs), async (batch) => {
        // `--flag=value` so a value that starts with a dash stays a value.
        const argvs = batch.map((input) => [
          "sources",
          "add",
          "--title=" + input.title,
          "--type=" + input.type,
          "--tier=" + input.tier,
          ...("status" in input ? ["--status=" + String(input.status)] : []),
          "--",
          input.url,
        ]);
        const results = await Promise.all(argvs.map((args) => kmcp(args, env)));
        results.forEach((result, i) => expectRefused(result, argvs[i]!));
      }),
      RUNS,
    );
  });

  it("refuses an invalid `sources list` page or query with exit 2 and one line", async () => {
    const inputs = oneBad(
      { limit: "10", query: "seeded", cursor: "" },
      { limit: outOfRange(1, 1000), query: badText(200), cursor: hostile.filter((s) => s.length > 0 && !decodesAsCursor(s, 1)) },
    );
    await fc.assert(
      fc.asyncProperty(batches(inputs), async (batch) => {
        const argvs = batch.map(({ limit, query, cursor }) => ["sources", "list", "--json", "--limit=" + limit, "--query=" + query, ...(cursor ? ["--cursor=" + cursor] : [])]);
        const results = await Promise.all(argvs.map((args) => kmcp(args, env)));
        results.forEach((result, i) => expectRefused(result, argvs[i]!));
      }),
      RUNS,
    );
  });

  it("refuses an invalid `requests create` with exit 2 and one line, and queues nothing", async () => {
    const inputs = oneBad(
      { url: "https://prop-cli-req.example.test/", reason: "needed", priority: "2" },
      { url: badUrl, reason: badText(2000), priority: outOfRange(1, 5) },
    );
    await fc.assert(
      fc.asyncProperty(batches(inputs), async (batch) => {
        const argvs = batch.map(({ url, reason, priority }) => ["requests", "create", "--reason=" + reason, "--priority=" + priority, "--", url]);
        const results = await Promise.all(argvs.map((args) => kmcp(args, env)));
        results.forEach((result, i) => expectRefused(result, argvs[i]!));
      }),
      RUNS,
    );
  });

  it("wrote nothing: the same sources and requests, and nothing pending upload", async () => {
    expect(await snapshot()).toEqual(before);
  });
});
