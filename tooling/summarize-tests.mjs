// Sums vitest's per-package "Tests  N passed | M failed" lines from a turbo log into one
// closing line, "N passed, M failed", that CI can read whatever the runner.
import { readFileSync } from "node:fs";

const text = readFileSync(process.argv[2], "utf8").replace(/\u001b\[[0-9;]*m/g, "");
let passed = 0;
let failed = 0;
let skipped = 0;
for (const line of text.split("\n")) {
  const match = line.match(/^\S*\s*Tests\s+(.*)\(\d+\)\s*$/);
  if (!match) continue;
  for (const [, n, what] of match[1].matchAll(/(\d+) (passed|failed|skipped)/g)) {
    if (what === "passed") passed += Number(n);
    if (what === "failed") failed += Number(n);
    if (what === "skipped") skipped += Number(n);
  }
}
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
