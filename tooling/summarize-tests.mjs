// Sums vitest's per-package "Tests  N passed | M failed" lines from a turbo log into one
// closing line, "N passed, M failed", that CI can read whatever the runner. Failed tests and
// failed turbo tasks are named just above it, so a CI log cut to its tail still says what failed.
import { readFileSync } from "node:fs";

const text = readFileSync(process.argv[2], "utf8").replace(/\u001b\[[0-9;]*m/g, "");
let passed = 0;
let failed = 0;
let skipped = 0;
const failures = new Set();
for (const line of text.split("\n")) {
  // vitest names each failed test as "FAIL  file > suite > test"; turbo names the failed task.
  const failure = line.match(/^\S*\s*(FAIL\s+\S.*|Failed:\s+\S+)\s*$/);
  if (failure) failures.add(failure[1].replace(/\s+/g, " "));
  const match = line.match(/^\S*\s*Tests\s+(.*)\(\d+\)\s*$/);
  if (!match) continue;
  for (const [, n, what] of match[1].matchAll(/(\d+) (passed|failed|skipped)/g)) {
    if (what === "passed") passed += Number(n);
    if (what === "failed") failed += Number(n);
    if (what === "skipped") skipped += Number(n);
  }
}
for (const failure of failures) console.log(failure);
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
