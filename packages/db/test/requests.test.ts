import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import type { RequestStatus } from "@kmcp/core";
import { REQUEST_TRANSITIONS, type Db } from "../src/index.js";
import { caught, migratedDb, tableCounts } from "./helpers.js";

let db: Db;
beforeAll(async () => {
  db = await migratedDb();
});

const ask = (overrides: Record<string, unknown> = {}) => ({
  url: `https://wanted-${randomUUID()}.example.test/`,
  reason: "Users keep asking about it",
  ...overrides,
});

async function requestIn(status: RequestStatus) {
  const request = await db.requests.create(ask());
  if (status === "approved" || status === "completed") await db.requests.transition({ id: request.id, to: "approved" });
  if (status === "rejected") await db.requests.transition({ id: request.id, to: "rejected" });
  if (status === "completed") {
    await db.requests.transition({
      id: request.id,
      to: "completed",
      source: { title: "Made on completion", sourceType: "website", authorityTier: "tier_3_community" },
    });
  }
  return (await db.requests.get(request.id))!;
}

describe("acquisition requests", () => {
  it("creates a pending request with defaults and a normalised url", async () => {
    const request = await db.requests.create(ask({ url: "HTTP://Wanted.Example.test:80/a/", requestedBy: "ada" }));
    expect(request).toMatchObject({ url: "http://wanted.example.test/a", priority: 3, status: "pending", requestedBy: "ada", sourceId: null, processedAt: null });
  });

  it("is idempotent with a caller-supplied id", async () => {
    const id = randomUUID();
    const input = ask({ id, priority: 5 });
    const first = await db.requests.create(input);
    const before = await tableCounts(db);
    const retry = await db.requests.create(input);
    expect(retry).toEqual(first);
    expect(await tableCounts(db)).toEqual(before);
    const clash = await caught(() => db.requests.create({ ...input, reason: "something else" }));
    expect(clash.code).toBe("CONFLICT");
    expect(await tableCounts(db)).toEqual(before);
  });

  it.each([
    ["an invalid URL", { url: "nope" }, "url"],
    ["priority 0", { priority: 0 }, "priority"],
    ["priority 6", { priority: 6 }, "priority"],
    ["priority 2.5", { priority: 2.5 }, "priority"],
    ["an empty reason", { reason: "" }, "reason"],
    ["a blank reason", { reason: "   \n " }, "reason"],
    ["a non-UUID id", { id: "1234" }, "id"],
  ])("rejects %s with a VALIDATION error and writes nothing", async (_what, patch, field) => {
    const before = await tableCounts(db);
    const error = await caught(() => db.requests.create(ask(patch) as never));
    expect(error.code).toBe("VALIDATION");
    expect(error.message).toContain(field);
    expect(await tableCounts(db)).toEqual(before);
  });

  const all: RequestStatus[] = ["pending", "approved", "rejected", "completed"];
  const cases = all.flatMap((from) => all.map((to) => [from, to, REQUEST_TRANSITIONS[from].includes(to)] as const));
  it.each(cases)("%s → %s allowed: %s", async (from, to, allowed) => {
    const request = await requestIn(from);
    const source = { title: "T", sourceType: "blog" as const, authorityTier: "tier_2_trusted" as const };
    const input = to === "completed" ? { id: request.id, to, source } : { id: request.id, to };
    if (to === "pending") {
      // "pending" is not a move anyone can ask for: the schema rejects it.
      expect((await caught(() => db.requests.transition(input as never))).code).toBe("VALIDATION");
      return;
    }
    if (allowed) {
      const moved = await db.requests.transition(input as never);
      expect(moved.status).toBe(to);
      expect(moved.processedAt).toBeInstanceOf(Date);
    } else {
      const before = await tableCounts(db);
      const error = await caught(() => db.requests.transition(input as never));
      expect(error.code).toBe("INVALID_TRANSITION");
      expect(error.message).toContain(`is ${from}`);
      expect(await db.requests.get(request.id)).toEqual(request);
      expect(await tableCounts(db)).toEqual(before);
    }
  });

  it("completing links the existing source for the url", async () => {
    const source = await db.sources.create({ url: "https://linked.example.test/", title: "Linked", sourceType: "blog", authorityTier: "tier_3_community" });
    const request = await db.requests.create(ask({ url: "https://LINKED.example.test" }));
    await db.requests.transition({ id: request.id, to: "approved" });
    const before = await tableCounts(db);
    const done = await db.requests.transition({ id: request.id, to: "completed" });
    expect(done.sourceId).toBe(source.id);
    expect((await tableCounts(db)).sources).toBe(before.sources);
  });

  it("completing creates the source when there is none, and needs its details to", async () => {
    const request = await db.requests.create(ask());
    await db.requests.transition({ id: request.id, to: "approved" });
    const before = await tableCounts(db);
    const missing = await caught(() => db.requests.transition({ id: request.id, to: "completed" }));
    expect(missing.code).toBe("VALIDATION");
    expect((await db.requests.get(request.id))?.status).toBe("approved");
    expect(await tableCounts(db)).toEqual(before);
    const done = await db.requests.transition({
      id: request.id,
      to: "completed",
      source: { title: "New one", sourceType: "repository", authorityTier: "tier_2_trusted" },
    });
    const created = await db.sources.get(done.sourceId!);
    expect(created).toMatchObject({ url: request.url, title: "New one", status: "pending" });
  });

  it("lets exactly one of two concurrent moves win", async () => {
    const request = await db.requests.create(ask());
    const results = await Promise.allSettled([
      db.requests.transition({ id: request.id, to: "approved" }),
      db.requests.transition({ id: request.id, to: "rejected" }),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const loser = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
    expect(loser.reason.code).toBe("INVALID_TRANSITION");
  });

  it("reports an unknown request", async () => {
    const error = await caught(() => db.requests.transition({ id: randomUUID(), to: "approved" }));
    expect(error.code).toBe("NOT_FOUND");
    expect(await db.requests.get(randomUUID())).toBeNull();
  });

  it("lists oldest first, by status, in pages", async () => {
    const listDb = await migratedDb();
    const made: Awaited<ReturnType<Db["requests"]["create"]>>[] = [];
    for (let i = 0; i < 12; i++) made.push(await listDb.requests.create(ask({ reason: `r${i}` })));
    for (const r of made.slice(0, 5)) await listDb.requests.transition({ id: r.id, to: "approved" });
    const ids: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await listDb.requests.list({ limit: 5, cursor });
      ids.push(...page.items.map((r) => r.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    // Oldest first; requests made in the same millisecond fall back to id order.
    const byAge = (list: typeof made) =>
      [...list].sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.id.localeCompare(b.id)).map((r) => r.id);
    expect(ids).toEqual(byAge(made));
    const approved = await listDb.requests.list({ status: "approved" });
    expect(approved.items.map((r) => r.id)).toEqual(byAge(made.slice(0, 5)));
    expect((await caught(() => listDb.requests.list({ status: "done" as never }))).code).toBe("VALIDATION");
  });
});
