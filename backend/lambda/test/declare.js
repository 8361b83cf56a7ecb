// Declares tests through node:test and records every declared test in a ledger, so the runner can prove each one ran.
/**
 * \file
 * `node --test` counts what its child processes report. A child that stops reporting early (its
 * event loop drained, or its reporter's queued output was dropped) still exits 0, and the count
 * silently shrinks. Every test file therefore declares its tests through `test()` from here: the
 * name is appended synchronously to the ledger file named by `CI_LAMBDA_LEDGER` the moment it is
 * declared, before anything can go wrong, and `test/run.js` compares the ledger with the tests
 * that were reported as passed. There is no `test.skip`/`test.todo`: a test that must not run is
 * deleted, not hidden.
 */
import { test as nodeTest, before, after, beforeEach, afterEach } from "node:test";
import { appendFileSync } from "node:fs";

const ledger = process.env.CI_LAMBDA_LEDGER;
const file = process.argv[1] ?? "";
const seen = new Set();

/** Per-test time limit: a hung run fails its test instead of stalling the whole file. */
const TEST_TIMEOUT_MS = 60_000;

/** Declares one top-level test (same arguments as node:test's `test`). */
export function test(name, ...rest) {
  if (typeof name !== "string" || !name) throw new Error("tests are declared with a name");
  if (seen.has(name)) throw new Error(`test declared twice in ${file}: ${name}`);
  seen.add(name);
  if (ledger) appendFileSync(ledger, JSON.stringify({ file, name }) + "\n");
  const [opts, fn] = typeof rest[0] === "function" ? [{}, rest[0]] : [rest[0] ?? {}, rest[1]];
  return nodeTest(name, { timeout: TEST_TIMEOUT_MS, ...opts }, fn);
}

export { before, after, beforeEach, afterEach };
