import { describe, expect, it } from "vitest";
import { isLightSyncCommand } from "./sync-command.js";

describe("isLightSyncCommand", () => {
  it.each([
    [["sync", "run"], true],
    [["sync", "run", "--full", "--wait", "5"], true],
    [["--json", "sync", "status"], true],
    [["--verbose", "sync", "watch", "--interval", "200"], true],
    [["sync", "verify"], false],
    [["sync"], false],
    [["sync", "--help"], false],
    [["sources", "list"], false],
    [["run", "sync"], false],
    [[], false],
  ])("%j → %s", (argv, light) => {
    expect(isLightSyncCommand(argv)).toBe(light);
  });
});
