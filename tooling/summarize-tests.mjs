// Sums vitest's per-package "Tests  N passed | M failed" lines from a turbo log into one
// closing line, "N passed, M failed", that CI can read whatever the runner. Failed tests and
// failed turbo tasks are named just above it, each failure with its error and where it was
// thrown, so a CI log cut to its tail still says what failed and why.
import { readFileSync } from "node:fs";

const DETAIL_LINES = 10;
const text = readFileSync(process.argv[2], "utf8").replace(/\u001b\[[0-9;]*m/g, "");
let passed = 0;
let failed = 0;
let skipped = 0;
/** Failure name → the lines that explain it (empty for a failed turbo task). */
const failures = new Map();
let detail; // the failure whose explanation is being read, until vitest's next ⎯ separator

for (const raw of text.split("\n")) {
  // turbo prefixes each line with "package:task: ".
  const line = raw.replace(/^\S+:\S+: /, "");
  // vitest names each failed test as "FAIL  file > suite > test", and heads an uncaught error
  // with "⎯⎯ Unhandled Rejection ⎯⎯"; turbo names the failed task.
  const failure = line.match(/^\s*(FAIL\s+\S.*|Failed:\s+\S+)\s*$/);
  const unhandled = line.match(/⎯+\s*(Unhandled \w+)\s*⎯+/);
  if (failure || unhandled) {
    const name = failure ? failure[1].replace(/\s+/g, " ") : `${unhandled[1]} in ${raw.match(/^(\S+):/)?.[1] ?? "a test run"}`;
    if (!failures.has(name)) failures.set(name, []);
    detail = failure?.[1].startsWith("Failed:") ? undefined : failures.get(name);
    if (detail?.length) detail = undefined; // named again in a later summary: keep the first account
    continue;
  }
  if (detail) {
    if (/^\s*⎯/.test(line)) detail = undefined;
    // Skip blank lines and the code frame ("  4|  expect(...)", "   |   ^"): the location line says where.
    else if (line.trim() && !/^\s*\d*\|/.test(line)) detail.push(line.trimEnd().slice(0, 240));
  }
  const match = line.match(/^\s*Tests\s+(.*)\(\d+\)\s*$/);
  if (!match) continue;
  for (const [, n, what] of match[1].matchAll(/(\d+) (passed|failed|skipped)/g)) {
    if (what === "passed") passed += Number(n);
    if (what === "failed") failed += Number(n);
    if (what === "skipped") skipped += Number(n);
  }
}
for (const [name, lines] of failures) {
  console.log(name);
  // The error and the start of its diff, then where it was thrown even when the diff is long.
  const shown = lines.slice(0, DETAIL_LINES);
  const at = lines.find((line) => /^\s*❯ /.test(line));
  if (at && !shown.includes(at)) shown.push("    …", at);
  for (const line of shown) console.log(`    ${line}`);
}
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
