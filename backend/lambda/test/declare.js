// Declares tests through node:test, records each in a ledger, bounds each in time and logs its start and end, so the runner can prove each one ran and name a stuck one.
/**
 * \file
 * `node --test` counts what its child processes report. A child that stops reporting early (its
 * event loop drained, or its reporter's queued output was dropped) still exits 0, and the count
 * silently shrinks. Every test file therefore declares its tests through `test()` from here: the
 * name is appended synchronously to the ledger file named by `CI_LAMBDA_LEDGER` the moment it is
 * declared, before anything can go wrong, and `test/run.js` compares the ledger with the tests
 * that were reported as passed. There is no `test.skip`/`test.todo`: a test that must not run is
 * deleted, not hidden.
 *
 * Time bounds. Each test and hook fails after `CI_LAMBDA_TEST_TIMEOUT` seconds (default 60) with
 * "timed out after N s: <name>". Its start and end are appended to the ledger too (`"ev":
 * "start"`/`"end"`), so when the whole run hits its deadline, run.js names the test that is
 * still running. A test that timed out leaves its execution pending (the local runner's worker,
 * the keep-alive interval of harness.runPlan), which would keep the file's process alive until
 * the runner's per-file timeout; so once a file had a timeout, its process exits shortly after
 * its last hook instead.
 */
import { test as nodeTest, before as nodeBefore, after as nodeAfter, beforeEach, afterEach } from "node:test";
import { appendFileSync } from "node:fs";
import path from "node:path";

const ledger = process.env.CI_LAMBDA_LEDGER;
const file = process.argv[1] ?? "";
const seen = new Set();
// Real timers, taken before anything can replace them.
const realSetTimeout = globalThis.setTimeout;
const realClearTimeout = globalThis.clearTimeout;
const realNow = Date.now.bind(Date);

/** Per-test (and per-hook) time limit in milliseconds. */
export const TEST_TIMEOUT_MS = Math.max(1, Number(process.env.CI_LAMBDA_TEST_TIMEOUT) || 60) * 1000;

let timedOut = 0;

function record(entry) {
  if (ledger) appendFileSync(ledger, JSON.stringify({ file, ...entry }) + "\n");
}

/**
 * `fn` bounded by `ms` of real time; the start and end are logged under `name`. On a timeout the
 * returned promise rejects with a message that names the test; `fn` itself is left pending.
 */
function bounded(name, fn, ms) {
  return async (...args) => {
    const t0 = realNow();
    record({ ev: "start", name, t: t0 });
    let timer;
    const limit = new Promise((_, reject) => {
      timer = realSetTimeout(() => {
        timedOut++;
        record({ ev: "timeout", name, t: realNow() });
        reject(new Error(`timed out after ${ms / 1000} s: ${name} (${path.basename(file)})`));
      }, ms);
    });
    try {
      return await Promise.race([Promise.resolve().then(() => fn(...args)), limit]);
    } finally {
      realClearTimeout(timer);
      record({ ev: "end", name, t: realNow(), ms: realNow() - t0 });
    }
  };
}

/** Declares one top-level test (same arguments as node:test's `test`; `timeout` in ms overrides the default). */
export function test(name, ...rest) {
  if (typeof name !== "string" || !name) throw new Error("tests are declared with a name");
  if (seen.has(name)) throw new Error(`test declared twice in ${file}: ${name}`);
  seen.add(name);
  record({ name });
  const [opts, fn] = typeof rest[0] === "function" ? [{}, rest[0]] : [rest[0] ?? {}, rest[1]];
  const ms = opts.timeout ?? TEST_TIMEOUT_MS;
  // node:test's own timeout is a backstop a little later than ours.
  return nodeTest(name, { ...opts, timeout: ms + 5000 }, bounded(name, fn, ms));
}

/** `before`, bounded like a test. */
export function before(fn) {
  return nodeBefore(bounded(`before hook of ${path.basename(file)}`, fn, TEST_TIMEOUT_MS));
}

/** `after`, bounded like a test; after a file's last hook, a file that had a timeout exits. */
export function after(fn) {
  return nodeAfter(async (...args) => {
    try {
      await bounded(`after hook of ${path.basename(file)}`, fn, TEST_TIMEOUT_MS)(...args);
    } finally {
      // The reporter gets a moment to write the failures; the pending executions are abandoned.
      if (timedOut) realSetTimeout(() => process.exit(1), 2000).unref?.();
    }
  });
}

export { beforeEach, afterEach };
