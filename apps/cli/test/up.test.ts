import { readFile } from "node:fs/promises";
import path from "node:path";
import { createDb } from "@kmcp/db";
import { describe, expect, it } from "vitest";
import { json, kmcp, tempHome } from "./run-cli.js";

/** The embedded PostgreSQL's URL, as packages/local-servers/src/embedded-services.ts builds it from services.json. */
async function postgresUrl(home: string): Promise<string> {
  const services = JSON.parse(await readFile(path.join(home, "services.json"), "utf8")) as { postgres: { port: number; password: string } };
  return `postgresql://kmcp:${encodeURIComponent(services.postgres.password)}@127.0.0.1:${services.postgres.port}/kmcp`;
}

describe("kmcp up on a fresh home", () => {
  it("leaves a system that reports health pass, says when it reuses the servers, and comes down", async () => {
    const env = { KMCP_HOME: await tempHome() };
    try {
      const first = await kmcp(["up"], env);
      expect(first.code).toBe(0);
      expect(first.stdout).toMatch(/^PostgreSQL: started, running on 127\.0\.0\.1:\d+ /m);
      expect(first.stdout).toMatch(/^Chroma: {5}started, running on 127\.0\.0\.1:\d+ /m);
      expect(first.stdout).toContain("Mirror:     synced, holds 0 sources");

      // Issue #18: the server `kmcp up` starts keeps fsync on.
      const db = createDb({ url: await postgresUrl(env.KMCP_HOME) });
      try {
        expect(await db.prisma.$queryRaw`SHOW fsync`).toEqual([{ fsync: "on" }]);
      } finally {
        await db.close();
      }

      const health = await kmcp(["health"], env);
      expect(health.stdout).toMatch(/^health {2}pass/);
      expect(health.code).toBe(0);

      const second = await kmcp(["up"], env);
      expect(second.code).toBe(0);
      expect(second.stdout).toMatch(/^PostgreSQL: reused, running on 127\.0\.0\.1:\d+ /m);
      expect(second.stdout).toMatch(/^Chroma: {5}reused, running on 127\.0\.0\.1:\d+ /m);
      expect(json(await kmcp(["up", "--json"], env))).toMatchObject({ postgres: { state: "reused" }, chroma: { state: "reused" }, sync: { ok: true, mirrorSize: 0 } });

      expect(json(await kmcp(["sources", "add", "https://up.example.test/", "--title", "Up", "--type", "documentation", "--tier", "tier_2_trusted", "--json"], env))).toMatchObject({ url: "https://up.example.test/" });
      const sync = await kmcp(["sync", "run"], env);
      expect(sync.stdout).toMatch(/^The mirror holds 1 source; this incremental sync wrote 1, deleted 0, left 0 unchanged \(\d+ ms\)\.$/m);
      expect((await kmcp(["sync", "run"], env)).stdout).toMatch(/^The mirror holds 1 source; this incremental sync wrote 0, /m);
    } finally {
      const down = await kmcp(["down"], env);
      expect(down).toMatchObject({ code: 0, stdout: "Stopped postgres and chroma.\n" });
    }
  });
});
