// `pnpm bench [--quick] [--figure 5|6]`: runs every figure on real servers and writes BENCHMARKS.md.
// `--figure 5` (the MCP server) or `--figure 6` (search) runs that figure alone and only prints it
// (figures 1–4 share the sync's state, so they run in the full suite only); BENCHMARKS.md is not
// touched.
import { writeFile } from "node:fs/promises";
import { cpus, totalmem } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createDb } from "@kmcp/db";
import { DEFAULT_SYNC_BATCH_SIZE } from "@kmcp/sync-core";
import { measureMcp } from "./figures/mcp.js";
import { measureReads } from "./figures/reads.js";
import { measureSearch } from "./figures/search.js";
import { measureSync } from "./figures/sync.js";
import { HISTORY } from "./history.js";
import { renderReport, type Figure } from "./report.js";
import { seedSources, startServers } from "./servers.js";

const quick = process.argv.includes("--quick");
const figureArg = process.argv.indexOf("--figure");
const only = figureArg === -1 ? undefined : Number(process.argv[figureArg + 1]);
if (only !== undefined && only !== 5 && only !== 6) {
  process.stderr.write("--figure takes 5 (MCP server) or 6 (search); figures 1–4 run in the full suite only\n");
  process.exit(2);
}
const sizes = quick ? { small: 2_000, large: 10_000, chunks: 2_000, reps: 50 } : { small: 10_000, large: 100_000, chunks: 10_000, reps: 200 };
const log = (msg: string) => process.stderr.write(`[bench] ${msg}\n`);
const began = performance.now();

const servers = await startServers();
try {
  if (only !== undefined) {
    const figure =
      only === 5
        ? await (async () => {
            const url = await servers.database("large");
            const db = createDb({ url });
            await db.migrate();
            await db.close();
            await seedSources(url, sizes.large);
            log(`seeded ${sizes.large} sources`);
            return measureMcp({ url, chromaUrl: servers.chroma.url, home: path.join(servers.postgres.dataDir, "..", "home"), count: sizes.large, reps: sizes.reps });
          })()
        : await measureSearch({ url: await servers.database("search"), chromaUrl: servers.chroma.url, chunkTarget: sizes.chunks, reps: sizes.reps });
    const cpu = cpus()[0]?.model ?? "unknown CPU";
    process.stdout.write(
      renderReport([figure], {
        machine: `${cpus().length} × ${cpu}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node.js ${process.version}, ${process.platform}`,
        mode: `${quick ? "quick" : "full"}, figure ${only} alone`,
        date: new Date().toISOString().slice(0, 10),
        durationS: (performance.now() - began) / 1000,
      }),
    );
  } else {
    const small = { url: await servers.database("small"), count: sizes.small };
    const large = { url: await servers.database("large"), count: sizes.large };
    for (const target of [small, large]) {
      const db = createDb({ url: target.url });
      await db.migrate();
      await db.close();
      await seedSources(target.url, target.count);
    }
    log(`seeded ${sizes.small} and ${sizes.large} sources`);
    const figures: Figure[] = [];
    const sync = await measureSync({ small, large, chromaUrl: servers.chroma.url, batchSize: DEFAULT_SYNC_BATCH_SIZE });
    figures.push(sync.figure1, sync.figure2);
    log("sync figures done");
    const reads = await measureReads({ url: large.url, chromaUrl: servers.chroma.url, prefix: sync.prefix, count: large.count, reps: sizes.reps, postgres: servers.postgres });
    figures.push(reads.figure3, reads.figure4);
    log("read figures done");
    figures.push(await measureMcp({ url: large.url, chromaUrl: servers.chroma.url, home: path.join(servers.postgres.dataDir, "..", "home"), count: large.count, reps: sizes.reps }));
    log("mcp figure done");
    figures.push(await measureSearch({ url: await servers.database("search"), chromaUrl: servers.chroma.url, chunkTarget: sizes.chunks, reps: sizes.reps }));
    log("search figure done");
    const cpu = cpus()[0]?.model ?? "unknown CPU";
    const report = renderReport(figures, {
      history: HISTORY,
      machine: `${cpus().length} × ${cpu}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node.js ${process.version}, ${process.platform}`,
      mode: quick ? "quick" : "full",
      date: new Date().toISOString().slice(0, 10),
      durationS: (performance.now() - began) / 1000,
    });
    const out = fileURLToPath(new URL(`../../../${quick ? "BENCHMARKS.quick.md" : "BENCHMARKS.md"}`, import.meta.url));
    await writeFile(out, report);
    process.stdout.write(report);
    log(`wrote ${out}`);
  }
} finally {
  await servers.close();
}
