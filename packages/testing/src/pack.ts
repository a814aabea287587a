import { execFile } from "node:child_process";
import { mkdtemp, readdir, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";

const exec = promisify(execFile);

/**
 * Packs workspace packages with `pnpm pack` (as they would be published) and installs the
 * tarballs with npm into a throwaway project outside the workspace, so nothing resolves to
 * the workspace's own node_modules. Returns the project's directory.
 */
export async function installPackedPackages(packageDirs: string[]): Promise<string> {
  const project = await mkdtemp(path.join(tmpdir(), "kmcp-consumer-"));
  const tarballs: string[] = [];
  for (const dir of packageDirs) {
    await exec("pnpm", ["pack", "--pack-destination", project], { cwd: dir });
  }
  for (const file of await readdir(project)) if (file.endsWith(".tgz")) tarballs.push(`./${file}`);
  await writeFile(path.join(project, "package.json"), JSON.stringify({ name: "consumer", private: true, type: "module" }));
  await exec("npm", ["install", "--no-audit", "--no-fund", "--loglevel=error", ...tarballs], {
    cwd: project,
    timeout: 240_000,
  });
  return project;
}

/** Runs an ES module script inside the consumer project; returns its stdout. */
export async function runInProject(project: string, script: string, env: Record<string, string> = {}): Promise<string> {
  const file = path.join(project, `script-${Date.now()}.mjs`);
  await writeFile(file, script);
  const { stdout } = await exec("node", [file], { cwd: project, env: { ...process.env, ...env }, timeout: 60_000 });
  return stdout;
}
