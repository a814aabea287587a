import { execFile, spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { makeServerTempDir } from "@kmcp/local-servers";

export const bin = fileURLToPath(new URL("../dist/main.js", import.meta.url));

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the built `kmcp` binary as a subprocess; never throws on a non-zero exit. */
export function kmcp(args: string[], env: Record<string, string | undefined> = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [bin, ...args],
      { env: { ...process.env, NO_COLOR: "1", KMCP_LOG_LEVEL: "warn", ...env }, timeout: 120_000 },
      (error, stdout, stderr) => resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

export function json<T = Record<string, unknown>>(result: CliResult): T {
  if (result.code !== 0) throw new Error(`kmcp exited ${result.code}: ${result.stderr}`);
  return JSON.parse(result.stdout) as T;
}

/** A fresh KMCP_HOME the `postgres` user can reach when tests run as root. */
export async function tempHome(): Promise<string> {
  return path.join(await makeServerTempDir("kmcp-cli-"), "home");
}

/** Starts a long-running command; resolves the first stdout line matching `pattern`. */
export function startCli(args: string[], env: Record<string, string>) {
  const child = spawn(process.execPath, [bin, ...args], { env: { ...process.env, NO_COLOR: "1", ...env } });
  let stdout = "";
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  const waitFor = (pattern: RegExp) =>
    new Promise<string>((resolve, reject) => {
      const onData = (chunk: Buffer) => {
        stdout += chunk.toString();
        const line = stdout.split("\n").find((l) => pattern.test(l));
        if (line) {
          child.stdout.off("data", onData);
          resolve(line);
        }
      };
      child.stdout.on("data", onData);
      child.on("exit", () => reject(new Error(`exited before printing ${pattern}: ${stdout}`)));
    });
  return { child, exited, waitFor };
}
