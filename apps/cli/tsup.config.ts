import { readFile } from "node:fs/promises";
import path from "node:path";
import { tsupConfig } from "@kmcp/tooling/tsup";
import { defineConfig, type Options } from "tsup";

type Plugin = NonNullable<Options["esbuildPlugins"]>[number];

const banner = { js: "#!/usr/bin/env node" };

/**
 * zod's translations of its messages (`z.locales`: 64 languages, about a third of its code), which
 * kmcp never uses, reduced to the English one that zod's messages come from anyway.
 */
const zodEnglishOnly: Plugin = {
  name: "zod-english-only",
  setup(build) {
    build.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      args.importer.includes(`${path.sep}zod${path.sep}`) ? { path: path.resolve(args.resolveDir, "../locales/en.js"), namespace: "zod-english-only" } : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: "zod-english-only" }, (args) => ({
      contents: `export { default as en } from ${JSON.stringify(args.path)};`,
      resolveDir: path.dirname(args.path),
      loader: "js",
    }));
  },
};

/**
 * pg asks at import whether it runs on Cloudflare Workers by building a `Response`, which on
 * Node 20 loads Node's fetch (undici and its web streams, ~30 ms of CPU) in a process that never
 * fetches. This file runs on Node only (engines), so the answer is fixed: no. The build fails if
 * pg's code no longer has the check where it is expected, rather than bundling it unchanged.
 */
const pgNotOnCloudflare: Plugin = {
  name: "pg-not-on-cloudflare",
  setup(build) {
    build.onLoad({ filter: /[\\/]pg[\\/]lib[\\/]stream\.js$/ }, async (args) => {
      const source = await readFile(args.path, "utf8");
      const check = "if (isCloudflareRuntime()) {";
      if (!source.includes(check)) throw new Error(`${args.path} no longer calls isCloudflareRuntime() as expected: review the pg-not-on-cloudflare plugin`);
      return { contents: source.replace(check, "if (false) {"), loader: "js" };
    });
  },
};

export default defineConfig([
  // Every command; split into chunks, each loading its dependencies from node_modules. The light
  // sync commands' file is the other build's, so it is left out here and kept by the clean.
  tsupConfig({ entry: ["src/main.ts"], dts: false, splitting: true, banner, external: ["./sync-main.js"], clean: ["!sync-main.*"] }),
  // `kmcp sync run|status|watch` (src/sync-main.ts) as one file holding its workspace packages,
  // zod, commander, the chromadb client and pg: a sync with nothing to do spent most of its time
  // resolving and loading ~120 files (measured in BENCHMARKS.md, figure 14). Only the Prisma-free
  // parts are taken in (@kmcp/db/sync, @kmcp/runtime/sync and /config, @kmcp/search/config);
  // everything else stays an import, so that a test sees it if the sync path ever loads Prisma or search.
  tsupConfig({
    entry: ["src/sync-main.ts"],
    dts: false,
    clean: false,
    noExternal: [
      /^@kmcp\/(core|chroma-store|sync-core|db\/sync|runtime\/(sync|config)|search\/config)$/,
      /^(zod|commander|chromadb)(\/|$)/,
      // pg and its dependencies: ~20 CommonJS files resolved and read one by one otherwise.
      /^(pg|pg-(connection-string|pool|protocol|types|int8)|pgpass|postgres-(array|bytea|date|interval)|split2|xtend|obuf)(\/|$)/,
    ],
    // chromadb imports its optional embedding packages only for collections that name one (kmcp's
    // never do); pg its native binding and its Cloudflare socket only when asked for them;
    // chroma-store undici only for chunk reads and writes (1.1 MB that a sync never runs).
    external: ["@chroma-core/default-embed", "pg-native", "pg-cloudflare", "undici"],
    esbuildPlugins: [zodEnglishOnly, pgNotOnCloudflare],
    // commander is CommonJS: its require() calls of Node's modules need a require in an ES module.
    banner: { js: 'import { createRequire as __createRequire } from "node:module";\nconst require = __createRequire(import.meta.url);' },
  }),
]);
