import { sharedChromaUrl, uniqueCollectionPrefix } from "@kmcp/testing/chroma";
import { installPackedPackages, runInProject, workspacePackageDirs } from "@kmcp/testing/pack";
import { createTestDatabase } from "@kmcp/testing/postgres";
import { describe, expect, it } from "vitest";

describe("the published packages together", () => {
  it("install from their tarballs and sync real PostgreSQL into real Chroma", async () => {
    const project = await installPackedPackages(await workspacePackageDirs(["@kmcp/sync-core"]));
    const output = await runInProject(
      project,
      `
      import { createDb } from "@kmcp/db";
      import { createChromaStore } from "@kmcp/chroma-store";
      import { createSyncManager, createSourceCatalog } from "@kmcp/sync-core";
      const db = createDb({ url: process.env.DATABASE_URL });
      await db.migrate();
      for (const n of [1, 2, 3]) {
        await db.sources.create({ url: "https://p" + n + ".example.org/", title: "P" + n, sourceType: "blog", authorityTier: "tier_2_trusted" });
      }
      const store = createChromaStore({ url: process.env.CHROMA_URL, collectionPrefix: process.env.PREFIX });
      const sync = createSyncManager({ db, store });
      const report = await sync.syncSources();
      const catalog = createSourceCatalog({ db, store, connectivity: sync.connectivity, mirrorAsOf: sync.mirrorAsOf });
      const page = await catalog.list();
      console.log(JSON.stringify({ upserted: report.upserted, mirrored: await store.sources.count(), origin: page.origin, items: page.items.length }));
      await db.close();
      `,
      { DATABASE_URL: await createTestDatabase(), CHROMA_URL: sharedChromaUrl(), PREFIX: uniqueCollectionPrefix() },
    );
    expect(JSON.parse(output)).toEqual({ upserted: 3, mirrored: 3, origin: "primary", items: 3 });
  }, 300_000);
});
