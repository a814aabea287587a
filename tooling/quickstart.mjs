#!/usr/bin/env node
// @ts-check
/**
 * `npm run quickstart`: install, build and run the demo, showing only what matters. Each step's
 * own output is kept back and printed only if the step fails, so the last screen is the demo
 * and what to do next.
 */
import { spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const PNPM = ["-y", "pnpm@10.34.8"];
const npx = process.platform === "win32" ? "npx.cmd" : "npx";
const env = { ...process.env, TURBO_TELEMETRY_DISABLED: "1", DO_NOT_TRACK: "1" };

/** Runs a command with its output held back; prints it and exits if the command fails. */
function quietly(label, command, args) {
  const started = Date.now();
  process.stdout.write(`${label}… `);
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: root, env, stdio: ["ignore", "pipe", "pipe"], shell: process.platform === "win32" });
    let output = "";
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    child.on("close", (code) => {
      if (code !== 0) {
        process.stdout.write("failed.\n\n");
        process.stderr.write(output);
        process.stderr.write(`\n\`${[command, ...args].join(" ")}\` exited ${code}.\n`);
        process.exit(code ?? 1);
      }
      process.stdout.write(`done in ${Math.round((Date.now() - started) / 1000)} s.\n`);
      resolve(output);
    });
  });
}

await quietly("Installing dependencies (pnpm, through npx)", npx, [...PNPM, "install", "--frozen-lockfile"]);
await quietly("Building every package (turbo)", npx, [...PNPM, "run", "build", "--output-logs=errors-only"]);
const demo = spawn(process.execPath, [path.join(root, "apps/cli/dist/main.js"), "demo"], { cwd: root, env, stdio: "inherit" });
demo.on("close", (code) => process.exit(code ?? 1));
