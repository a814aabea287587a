import { afterAll, beforeAll, onTestFinished, TestRunner } from "vitest";

type Cleanup = () => unknown;

// This module is imported (so evaluated) while each test file is collected: its hooks are the file's.
let running = false;
const atFileEnd: Cleanup[] = [];
beforeAll(() => {
  running = true;
});
afterAll(async () => {
  for (let fn = atFileEnd.pop(); fn; fn = atFileEnd.pop()) await fn();
});

/**
 * Runs `fn` when the caller's scope ends, whatever the scope: vitest 4 silently drops an `afterAll`
 * registered inside a test or a hook, and `onTestFinished` throws outside a test. So: inside a test
 * (or beforeEach), when that test finishes (last registered runs first); while a file or describe is
 * collected, `afterAll`; inside a `beforeAll`, at the end of the file.
 */
export function cleanUp(fn: Cleanup): void {
  const run = async () => {
    await fn();
  };
  if (TestRunner.getCurrentTest()) onTestFinished(run);
  else if (!running) afterAll(run);
  else atFileEnd.push(fn);
}
