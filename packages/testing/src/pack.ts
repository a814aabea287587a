import { execFile } from "node:child_process";
import { mkdtemp, readdir, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
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
  // Long enough for better-sqlite3 (@kmcp/search) to compile from source where no prebuilt binary
  // can be downloaded: about 1 minute of CPU, but 7–12 minutes seen on a 2-core machine at load 16–23.
  await exec("npm", ["install", "--no-audit", "--no-fund", "--loglevel=error", ...tarballs], {
    cwd: project,
    timeout: 1_200_000,
  });
  // A workspace package left out of the tarballs would be fetched from the registry (or fail
  // there): whatever that holds under our name is not what is being tested.
  const lock = JSON.parse(await readFile(path.join(project, "package-lock.json"), "utf8")) as { packages: Record<string, { resolved?: string }> };
  const fromRegistry = Object.entries(lock.packages).filter(([key, entry]) => key.includes("node_modules/@kmcp/") && !entry.resolved?.startsWith("file:"));
  if (fromRegistry.length) throw new Error(`not installed from the packed tarballs: ${fromRegistry.map(([key]) => key).join(", ")}`);
  return project;
}

/** Runs an ES module script inside the consumer project; returns its stdout. */
export async function runInProject(project: string, script: string, env: Record<string, string> = {}): Promise<string> {
  const file = path.join(project, `script-${Date.now()}.mjs`);
  await writeFile(file, script);
  const { stdout } = await exec("node", [file], { cwd: project, env: { ...process.env, ...env }, timeout: 60_000 });
  return stdout;
}

/**
 * The directories of the named workspace packages and of every workspace package they depend on
 * at run time (`dependencies`, followed transitively), read from the package.json files, so a
 * pack test installs what a user would get and nothing stale.
 */
export async function workspacePackageDirs(names: string[]): Promise<string[]> {
  const root = fileURLToPath(new URL("../../../", import.meta.url));
  const byName = new Map<string, { dir: string; dependencies: Record<string, string> }>();
  for (const group of ["packages", "apps"]) {
    for (const entry of await readdir(path.join(root, group), { withFileTypes: true })) {
      if (!entry.isDirectory()) continue;
      const dir = path.join(root, group, entry.name);
      const manifest = await readFile(path.join(dir, "package.json"), "utf8").catch(() => null);
      if (!manifest) continue;
      const { name, dependencies = {} } = JSON.parse(manifest) as { name: string; dependencies?: Record<string, string> };
      byName.set(name, { dir, dependencies });
    }
  }
  const found = new Set<string>();
  const visit = (name: string) => {
    const pkg = byName.get(name);
    if (!pkg) throw new Error(`${name} is not a package of this workspace`);
    if (found.has(name)) return;
    found.add(name);
    for (const [dependency, range] of Object.entries(pkg.dependencies)) if (range.startsWith("workspace:")) visit(dependency);
  };
  for (const name of names) visit(name);
  return [...found].sort().map((name) => byName.get(name)!.dir);
}
