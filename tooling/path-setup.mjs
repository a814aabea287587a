#!/usr/bin/env node
// @ts-check
/**
 * Puts `kmcp` and `kmcp-mcp` on PATH from a clone (no global npm install): two small launcher
 * scripts in a user bin folder that run this clone's built binaries with this Node.js.
 *
 *   node tooling/path-setup.mjs install   # `npm run setup`
 *   node tooling/path-setup.mjs remove    # `npm run unsetup`
 *
 * The folder is $KMCP_BIN_DIR, else /usr/local/bin for root, else ~/.local/bin. Only files this
 * script wrote (they carry MARKER) are ever replaced or removed.
 */
import { chmod, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import { homedir, userInfo } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const MARKER = "# kmcp launcher, written by tooling/path-setup.mjs";
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const BINARIES = {
  kmcp: path.join(root, "apps/cli/dist/main.js"),
  "kmcp-mcp": path.join(root, "apps/mcp/dist/main.js"),
};

/** Where the launchers go. */
function binDir(env = process.env) {
  if (env.KMCP_BIN_DIR) return path.resolve(env.KMCP_BIN_DIR);
  return userInfo().uid === 0 ? "/usr/local/bin" : path.join(homedir(), ".local", "bin");
}

/** Single-quoted for sh: safe for any path. */
const shQuote = (s) => `'${s.replaceAll("'", `'\\''`)}'`;

/** The launcher for one binary: this Node.js, this clone's build, every argument passed on. */
function launcher(script) {
  return `#!/bin/sh\n${MARKER} (${root}); remove with \`npm run unsetup\`\nexec ${shQuote(process.execPath)} ${shQuote(script)} "$@"\n`;
}

async function isOurs(file) {
  try {
    return (await readFile(file, "utf8")).includes(MARKER);
  } catch (error) {
    if (/** @type {NodeJS.ErrnoException} */ (error).code === "ENOENT") return null;
    throw error;
  }
}

function onPath(dir, env = process.env) {
  return (env.PATH ?? "").split(path.delimiter).some((p) => p && path.resolve(p) === dir);
}

async function install() {
  if (process.platform === "win32") fail("launchers are sh scripts: on Windows run `node apps/cli/dist/main.js` (or `pnpm kmcp`) instead.");
  const missing = Object.values(BINARIES).filter((f) => !existsSync(f));
  if (missing.length) fail(`not built yet (${missing.map((f) => path.relative(root, f)).join(", ")} missing): run \`npm run quickstart\` (or \`pnpm build\`) first.`);
  const dir = binDir();
  await mkdir(dir, { recursive: true });
  for (const [name, script] of Object.entries(BINARIES)) {
    const file = path.join(dir, name);
    if ((await isOurs(file)) === false) fail(`${file} exists and was not written by kmcp: left alone. Remove it, or set KMCP_BIN_DIR to another folder.`);
    await writeFile(file, launcher(script));
    await chmod(file, 0o755);
    console.log(`Installed ${file} → ${path.relative(process.cwd(), script) || script}`);
  }
  if (onPath(dir)) {
    console.log("`kmcp` and `kmcp-mcp` now work from any folder (in a new shell if this one cached an older command). Remove them with `npm run unsetup`.");
  } else {
    console.log(`\n${dir} is not on your PATH. Add it, then open a new shell:`);
    console.log(`  echo 'export PATH="${dir}:$PATH"' >> ~/.profile   # or ~/.bashrc, ~/.zshrc`);
  }
}

async function remove() {
  const dir = binDir();
  let removed = 0;
  for (const name of Object.keys(BINARIES)) {
    const file = path.join(dir, name);
    const ours = await isOurs(file);
    if (ours === null) continue;
    if (!ours) {
      console.log(`${file} was not written by kmcp: left alone.`);
      continue;
    }
    await rm(file);
    removed += 1;
    console.log(`Removed ${file}`);
  }
  if (!removed) console.log(`No kmcp launchers in ${dir}.`);
}

/** @returns {never} */
function fail(message) {
  console.error(`kmcp setup: ${message}`);
  process.exit(1);
}

const command = process.argv[2];
if (command === "install") await install();
else if (command === "remove") await remove();
else fail("usage: node tooling/path-setup.mjs install|remove");
