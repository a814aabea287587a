import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { mkdtemp, readdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { kmcp, tempHome } from "./run-cli.js";

/**
 * Every command in a ```sh block of the READMEs, run as written (from the repository root, with
 * `kmcp` and `kmcp-mcp` on PATH as `npm run setup` puts them there) against throwaway servers.
 */
const root = fileURLToPath(new URL("../../..", import.meta.url));
const READMES = ["README.md", "apps/cli/README.md", "apps/mcp/README.md"];

/** Commands not run here, each with the reason. Everything else must run. */
const NOT_RUN: [RegExp, string][] = [
  [/^npm run quickstart\b/, "installs and builds the whole workspace: what this test runs on"],
  [/^pnpm (install|build|typecheck|lint|test|bench)\b/, "workspace tasks: CI runs them; running them here would take minutes"],
  [/^pnpm db:migrate\b/, "needs DATABASE_URL pointing at your own PostgreSQL (`kmcp up` migrates the embedded one)"],
  [/^kmcp demo\b/, "starts its own throwaway servers for ~15 s; test/demo.test.ts runs it"],
  [/^claude mcp add\b/, "needs Claude Code; test/first-hour.test.ts runs the command `kmcp mcp-config --client claude-code` prints"],
  [/\bkmcp-mcp --http\b/, "a long-running server (one binding 0.0.0.0, not for a test); apps/mcp/test/http.test.ts covers it"],
];

interface Snippet {
  file: string;
  command: string;
}

function snippets(): Snippet[] {
  return READMES.flatMap((file) => {
    const text = readFileSync(path.join(root, file), "utf8");
    return [...text.matchAll(/^```sh\n([\s\S]*?)^```/gm)].flatMap((block) =>
      block[1]!
        .replace(/\\\n/g, " ")
        .split("\n")
        .map((line) => line.trim())
        .filter((line) => line && !line.startsWith("#"))
        .map((command) => ({ file, command })),
    );
  });
}

const all = snippets();
/** The command without its trailing comment, `pnpm kmcp` run as `kmcp` (the same built CLI). */
const bare = (command: string) => command.replace(/\s+#.*$/, "").replace(/^pnpm kmcp\b/, "kmcp");
const reasonNotRun = (command: string) => NOT_RUN.find(([pattern]) => pattern.test(bare(command)))?.[1];
const toRun = all.filter((s) => !reasonNotRun(s.command));

let env: Record<string, string>;
let setupBin: string;

beforeAll(async () => {
  const home = await mkdtemp(path.join(tmpdir(), "kmcp-readme-home-"));
  const [launchers, installDir] = await Promise.all([mkdtemp(path.join(tmpdir(), "kmcp-readme-bin-")), mkdtemp(path.join(tmpdir(), "kmcp-readme-setup-"))]);
  setupBin = installDir;
  // `kmcp` for every command, even after the README's own `npm run unsetup` ran.
  await run(`${process.execPath} tooling/path-setup.mjs install`, { ...process.env, KMCP_BIN_DIR: launchers } as Record<string, string>);
  env = {
    PATH: [installDir, launchers, path.dirname(process.execPath), "/usr/local/bin", "/usr/bin", "/bin"].join(path.delimiter),
    // The user's files (client configurations, the default KMCP_HOME) stay out of reach.
    HOME: home,
    XDG_CONFIG_HOME: path.join(home, ".config"),
    KMCP_HOME: await tempHome(),
    KMCP_BIN_DIR: installDir,
    KMCP_LOG_LEVEL: "warn",
    NO_COLOR: "1",
    TMPDIR: tmpdir(),
  };
});
afterAll(async () => {
  if (env) await kmcp(["down"], env);
});

function run(command: string, runEnv: Record<string, string>) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile("bash", ["-c", command], { cwd: root, env: runEnv, timeout: 120_000 }, (error, stdout, stderr) =>
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe("the READMEs' shell commands", () => {
  it("finds the commands (and every exception still matches one)", () => {
    expect(all.length).toBeGreaterThan(30);
    for (const [pattern] of NOT_RUN) expect(all.some((s) => pattern.test(bare(s.command))), String(pattern)).toBe(true);
  });

  it.each(toRun.map((s) => [s.file, s.command] as const))("%s: %s", async (_file, command) => {
    const result = await run(bare(command), env);
    expect(result.code, `${command}\n${result.stdout}\n${result.stderr}`).toBe(0);
    if (/^kmcp health\b/.test(bare(command))) expect(result.stdout).toMatch(/^health {2}pass/);
  });


  it("npm run setup installed the launchers into KMCP_BIN_DIR", async () => {
    expect(all.some((s) => /^npm run setup\b/.test(s.command))).toBe(true);
    expect((await readdir(setupBin)).sort()).toEqual(["kmcp", "kmcp-mcp"]);
  });
});
