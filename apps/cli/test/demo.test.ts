import { describe, expect, it } from "vitest";
import { kmcp } from "./run-cli.js";

describe("kmcp demo", () => {
  it("shows reads surviving a PostgreSQL outage on throwaway servers", async () => {
    const { code, stdout, stderr } = await kmcp(["demo"]);
    expect(stderr).toBe("");
    expect(code).toBe(0);
    expect(stdout).toContain("6 sources mirrored");
    const answers = stdout.match(/4 sources from (PostgreSQL|the mirror, as of \S+):/g);
    expect(answers).toEqual([
      "4 sources from PostgreSQL:",
      expect.stringMatching(/^4 sources from the mirror, as of \d{4}-/),
      "4 sources from PostgreSQL:",
    ]);
  });
});
