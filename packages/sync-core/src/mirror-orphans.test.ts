import type { ChromaStore } from "@kmcp/chroma-store";
import type { SyncDb } from "@kmcp/db";
import { describe, expect, it } from "vitest";
import { orphanIds } from "./mirror-orphans.js";

describe("orphanIds", () => {
  it("checks the mirror's ids against PostgreSQL a page of 5,000 at a time and yields those that name no source", async () => {
    const mirrored = Array.from({ length: 12_001 }, (_, i) => `id-${i}`);
    // Gone from PostgreSQL: one in each page, including the first and last id.
    const gone = new Set(["id-0", "id-4999", "id-5000", "id-9999", "id-12000"]);
    const asked: number[] = [];
    const db = {
      sources: {
        existingIds: async (ids: readonly string[]) => {
          asked.push(ids.length);
          return new Set(ids.filter((id) => !gone.has(id)));
        },
      },
    } as Pick<SyncDb, "sources">;
    const store = {
      sources: {
        async *iterateIds() {
          yield* mirrored;
        },
      },
    } as unknown as Pick<ChromaStore, "sources">;

    const pages: string[][] = [];
    for await (const orphans of orphanIds(db, store)) pages.push(orphans);
    expect(asked).toEqual([5_000, 5_000, 2_001]);
    expect(pages).toEqual([["id-0", "id-4999"], ["id-5000", "id-9999"], ["id-12000"]]);
  });

  it("asks nothing of an empty mirror", async () => {
    let asked = 0;
    const db = { sources: { existingIds: async () => (asked++, new Set<string>()) } } as Pick<SyncDb, "sources">;
    const store = { sources: { async *iterateIds() {} } } as unknown as Pick<ChromaStore, "sources">;
    const pages: string[][] = [];
    for await (const orphans of orphanIds(db, store)) pages.push(orphans);
    expect(pages).toEqual([]);
    expect(asked).toBe(0);
  });
});
