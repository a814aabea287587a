import { readFile } from "node:fs/promises";
import path from "node:path";
import { createTestDatabase } from "@kmcp/testing/postgres";
import { installPackedPackages, runInProject, workspacePackageDirs } from "@kmcp/testing/pack";
import { describe, expect, it } from "vitest";
import { migrations as shipped } from "../../src/generated/migrations.js";

describe("the published package", () => {
  it("installs from its tarball and migrates and queries a real database with no Prisma CLI", async () => {
    // With its workspace dependencies (@kmcp/core), which are not on the registry.
    const project = await installPackedPackages(await workspacePackageDirs(["@kmcp/db"]));
    const installed = JSON.parse(await readFile(path.join(project, "node_modules/@kmcp/db/package.json"), "utf8"));
    expect(installed.dependencies).not.toHaveProperty("prisma");
    const output = await runInProject(
      project,
      `
      import { createDb } from "@kmcp/db";
      // The schemas' home is @kmcp/core (a dependency of @kmcp/db) since the core package.
      import { SourceCreateSchema } from "@kmcp/core";
      const db = createDb({ url: process.env.DATABASE_URL });
      const migrated = await db.migrate();
      const source = await db.sources.create({ url: "https://Example.org/a/", title: "A", sourceType: "blog", authorityTier: "tier_3_community" });
      const feed = await db.changes.read({});
      console.log(JSON.stringify({
        applied: migrated.appliedNow.length,
        url: source.url,
        changes: feed.changes.length,
        schemaWorks: SourceCreateSchema.safeParse({}).success,
      }));
      await db.close();
      `,
      { DATABASE_URL: await createTestDatabase() },
    );
    expect(JSON.parse(output)).toEqual({ applied: shipped.length, url: "https://example.org/a", changes: 1, schemaWorks: false });
  }, 300_000);
});
