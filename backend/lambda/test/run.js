// Runs the package's test files and fails unless every declared test was reported as passed.
/**
 * \file
 * `npm test` runs this instead of bare `node --test`, whose green count can shrink without a
 * failure (see declare.js). Each `test/*.test.js` runs in its own process (node:test's `run()`,
 * one file at a time); the runner reads the events and the declaration ledger the files append
 * to, prints one line per test, and exits 1 when a test failed, was skipped, or was declared but
 * never reported (or reported without being declared). The last line is the tally:
 *   lambda tests: 31 declared, 31 passed, 0 failed, 0 not run
 * Arguments are optional substrings of file names to run a subset.
 *
 * Time bounds (a hang fails fast and names the stuck test): each test and hook fails after
 * `CI_LAMBDA_TEST_TIMEOUT` seconds (default 60; declare.js), each file after
 * `CI_LAMBDA_FILE_TIMEOUT` (default 240), and the whole run stops after `CI_LAMBDA_DEADLINE`
 * (default 420, well under ctest's 600 for lambda_package): the runner then prints
 *   DEADLINE: still running after 420 s: <file>: <test> (started 61 s ago)
 * from the start/end records in the ledger, kills the test processes and counts the tests that
 * never ended as not run.
 */
import { run } from "node:test";
import { mkdtempSync, readdirSync, readFileSync, rmSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const filters = process.argv.slice(2);
const files = readdirSync(here).filter((f) => f.endsWith(".test.js"))
  .filter((f) => !filters.length || filters.some((s) => f.includes(s))).sort()
  .map((f) => path.join(here, f));
if (!files.length) {
  console.error(`lambda tests: no test files match ${filters.join(" ")}`);
  process.exit(1);
}

const dir = mkdtempSync(path.join(tmpdir(), "ci-lambda-tests-"));
const ledgerPath = path.join(dir, "ledger.jsonl");
process.env.CI_LAMBDA_LEDGER = ledgerPath;
// node:test attributes a test to the file that called test() (declare.js), so tests are keyed by
// name; the ledger knows each name's file, and names must be unique across files.
const fileOf = new Map();
const reported = new Map(); // key -> "pass" | "fail" | "skip"
const failures = [];
const t0 = Date.now();

const seconds = (name, dflt) => Math.max(1, Number(process.env[name]) || dflt);
const fileTimeoutS = seconds("CI_LAMBDA_FILE_TIMEOUT", 240);
const deadlineS = seconds("CI_LAMBDA_DEADLINE", 420);
const abort = new AbortController();
let deadlineHit = false;

/** The ledger's records: declarations (no `ev`) and start/end/timeout events. */
function readLedger() {
  return existsSync(ledgerPath)
    ? readFileSync(ledgerPath, "utf8").split("\n").filter(Boolean).flatMap((l) => {
      try { return [JSON.parse(l)]; } catch { return []; } // a line cut by a killed process
    }) : [];
}

/** Tests and hooks that started and have not ended: [{file, name, t}]. */
function stillRunning() {
  const open = new Map();
  for (const r of readLedger()) {
    if (r.ev === "start") open.set(`${r.file}\0${r.name}`, r);
    else if (r.ev === "end") open.delete(`${r.file}\0${r.name}`);
  }
  return [...open.values()];
}

const deadline = setTimeout(() => {
  deadlineHit = true;
  const now = Date.now();
  const running = stillRunning();
  if (!running.length) console.log(`DEADLINE: still running after ${deadlineS} s, between tests`);
  for (const r of running) {
    console.log(`DEADLINE: still running after ${deadlineS} s: ${path.basename(r.file)}: ${r.name} ` +
      `(started ${Math.round((now - r.t) / 1000)} s ago)`);
  }
  abort.abort();
  // The stream ends once the killed children are reaped; this is the last resort.
  setTimeout(() => { console.log("lambda tests: the test processes did not stop"); finish(); process.exit(1); }, 10_000).unref();
}, deadlineS * 1000);
deadline.unref();

const stream = run({ files, concurrency: 1, timeout: fileTimeoutS * 1000, signal: abort.signal });
stream.on("data", (e) => {
  const d = e.data ?? {};
  if (e.type === "test:stderr" || e.type === "test:stdout") {
    process.stderr.write(d.message.replace(/^(?=.)/gm, "    | "));
    return;
  }
  if (e.type === "test:diagnostic" && d.nesting > 0) return;
  if ((e.type !== "test:pass" && e.type !== "test:fail") || d.nesting !== 0) return;
  const k = files.includes(d.name) ? `${path.basename(d.name)} (file)` : d.name;
  const ms = Math.round(d.details?.duration_ms ?? 0);
  if (d.skip || d.todo) {
    reported.set(k, "skip");
    console.log(`- ${k} (skipped: not allowed)`);
  } else if (e.type === "test:pass") {
    reported.set(k, "pass");
    console.log(`ok ${k} (${ms} ms)`);
  } else {
    reported.set(k, "fail");
    const err = d.details?.error;
    const cause = err?.cause ?? err;
    failures.push(k);
    console.log(`FAIL ${k} (${ms} ms)\n${String(cause?.stack ?? cause?.message ?? cause).replace(/^/gm, "    ")}`);
    // A file that was stopped (its timeout, the deadline): what it was running.
    if (files.includes(d.name)) {
      for (const r of stillRunning().filter((r) => r.file === d.name)) {
        console.log(`    still running when ${path.basename(d.name)} stopped: ${r.name} (started ${Math.round((Date.now() - r.t) / 1000)} s before)`);
      }
    }
  }
});
await new Promise((resolve) => {
  stream.on("end", resolve);
  stream.on("error", (e) => { console.log(`lambda tests: the runner failed: ${e?.stack ?? e}`); failures.push("(runner)"); resolve(); });
  stream.resume?.();
});
clearTimeout(deadline);
finish();

/** Prints the per-test verdicts the reports left open and the tally; sets the exit code. */
function finish() {
  if (finish.done) return;
  finish.done = true;
  const records = readLedger().filter((r) => !r.ev);
  const declared = [];
  let duplicates = 0;
  for (const r of records) {
    if (fileOf.has(r.name)) { duplicates++; console.log(`DUPLICATE test name in ${path.basename(r.file)} and ${fileOf.get(r.name)}: ${r.name}`); continue; }
    fileOf.set(r.name, path.basename(r.file));
    declared.push(r.name);
  }
  rmSync(dir, { recursive: true, force: true });
  const declaredSet = new Set(declared);
  const fileKeys = new Set(files.map((f) => `${path.basename(f)} (file)`));
  let passed = 0, notRun = 0;
  for (const k of declared) {
    const r = reported.get(k);
    if (r === "pass") passed++;
    else if (r !== "fail") { notRun++; console.log(`NOT RUN ${fileOf.get(k)}: ${k}`); }
  }
  let undeclared = 0;
  for (const [k, r] of reported) {
    if (declaredSet.has(k)) continue;
    if (fileKeys.has(k) && r === "pass") continue; // a file-level record (node:test reports files that ran)
    if (!fileKeys.has(k) || r !== "fail") { undeclared++; console.log(`UNDECLARED ${k}: declare tests through test/declare.js`); }
  }
  const failed = failures.length;
  console.log(`lambda tests: ${declared.length} declared, ${passed} passed, ${failed} failed, ${notRun} not run` +
    (undeclared ? `, ${undeclared} undeclared` : "") + (deadlineHit ? `, stopped at the ${deadlineS} s deadline` : "") + ` (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  process.exitCode = deadlineHit || failed || notRun || undeclared || duplicates || declared.length === 0 ? 1 : 0;
}
