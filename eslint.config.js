// @ts-check
// The code linter behind `pnpm lint`: a small, strict, type-aware rule set (promises, unused code,
// import boundaries) and no stylistic rules. Type information comes from each package's own
// tsconfig.json (projectService), and cross-package types from the built dist/*.d.ts, so it runs
// after `turbo run build` (the root `lint` script orders it so).
import { defineConfig, globalIgnores } from "eslint/config";
import tseslint from "typescript-eslint";

/** Prisma and its generated client: only packages/db talks to the database. */
const prismaImports = {
  group: ["@prisma/*", "prisma", "prisma/*", "**/generated/prisma", "**/generated/prisma/**"],
  message: "Only packages/db may use Prisma; go through @kmcp/db's repositories instead.",
};
/** `process.env` read anywhere but an app's entry is banned: packages take options instead. */
const processEnvProperty = {
  object: "process",
  property: "env",
  message: "Packages take options, never env: read it in the app (apps/*/src/env.ts) and pass it in.",
};
const processEnvImports = [
  { name: "process", importNames: ["env"], message: processEnvProperty.message },
  { name: "node:process", importNames: ["env"], message: processEnvProperty.message },
];

export default defineConfig(
  globalIgnores([
    "**/dist/",
    "**/generated/",
    "**/coverage/",
    "**/.turbo/",
    "**/.kmcp/",
    // Declarations of the JS tooling configs: no code to lint, and in no tsconfig.
    "**/*.d.ts",
  ]),

  {
    name: "kmcp/all",
    files: ["**/*.{ts,mts,cts,js,mjs,cjs}"],
    linterOptions: { reportUnusedDisableDirectives: "error", reportUnusedInlineConfigs: "error" },
    plugins: { "@typescript-eslint": tseslint.plugin },
    languageOptions: {
      parser: tseslint.parser,
      parserOptions: {
        // bench's tsconfig covers src only; its vitest config is checked on its own.
        projectService: { allowDefaultProject: ["packages/bench/vitest.config.ts"] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-misused-promises": "error",
      "@typescript-eslint/await-thenable": "error",
      "@typescript-eslint/no-unused-vars": [
        "error",
        {
          args: "after-used",
          argsIgnorePattern: "^_",
          varsIgnorePattern: "^_",
          caughtErrorsIgnorePattern: "^_",
          destructuredArrayIgnorePattern: "^_",
          ignoreRestSiblings: true,
        },
      ],
      "no-restricted-imports": ["error", { patterns: [prismaImports] }],
    },
  },

  {
    name: "kmcp/js",
    // The few plain .mjs/.js scripts are in no tsconfig: lint them without type information.
    files: ["**/*.{js,mjs,cjs}"],
    extends: [tseslint.configs.disableTypeChecked],
  },

  {
    name: "kmcp/no-env-in-src",
    files: ["packages/*/src/**", "apps/*/src/**"],
    ignores: [
      "**/*.test.ts",
      // The apps read env at their entry points and pass options in.
      "apps/*/src/env.ts",
      "apps/*/src/main.ts",
      "apps/cli/src/context.ts",
      "apps/cli/src/output.ts",
      // Private helpers for tests and benchmarks, not shipped.
      "packages/testing/src/**",
      "packages/bench/src/**",
      // A program, not library code: `pnpm db:migrate` reads DATABASE_URL like an app's entry.
      "packages/db/src/cli/**",
      // It passes the environment through to the server processes it spawns, reading no setting from it.
      "packages/local-servers/src/local-postgres.ts",
      "packages/local-servers/src/postgres-binaries.ts",
    ],
    rules: {
      "no-restricted-properties": ["error", processEnvProperty],
      "no-restricted-imports": [
        "error",
        { paths: processEnvImports, patterns: [prismaImports] },
      ],
    },
  },

  {
    name: "kmcp/db",
    // packages/db owns Prisma.
    files: ["packages/db/**"],
    rules: { "no-restricted-imports": "off" },
  },
);
