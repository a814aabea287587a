import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const exec = promisify(execFile);
const bin = fileURLToPath(new URL("../dist/main.js", import.meta.url));

describe("kmcp demo (the built binary)", () => {
  it("walks the data layer on a real local PostgreSQL, including an outage and recovery", async () => {
    const { stdout, stderr } = await exec("node", [bin, "demo"], { env: { ...process.env, NO_COLOR: "1" } });
    expect(stderr).toBe("");
    expect(stdout).toContain("applied 20261124000000_init");
    expect(stdout).toMatch(/refused a duplicate: A source with url https:\/\/www\.rfc-editor\.org\/rfc\/rfc9110 already exists/);
    expect(stdout).toContain("is completed and cannot become rejected");
    expect(stdout).toContain("since the checkpoint: delete https://jvns.ca/");
    expect(stdout).toMatch(/unreachable after [\d.]+ ms/);
    expect(stdout).toContain("up again, 5 sources intact");
    expect(stdout).not.toContain("\u001b["); // NO_COLOR
  });

  it("explains an unknown command and exits non-zero", async () => {
    const error = await exec("node", [bin, "fly"]).catch((e: { code: number; stderr: string }) => e);
    expect(error).toMatchObject({ code: 1 });
    expect((error as { stderr: string }).stderr).toContain("unknown command 'fly'");
  });
});
