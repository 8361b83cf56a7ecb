// Differential: the same compiled plan and scenario on the Lambda package (local durable runner) and on `ci-exec run --provider sim` give the same job conclusions and outputs.
/**
 * \file
 * Plans: the examples and the first real workflows of the corpus (test/corpus.js order) that
 * compile and have no run-time matrix. Scenarios, built from each plan:
 *   - `success`: every job succeeds and reports the output `o` = its instance id;
 *   - `first-fails`: the first plain job (no matrix, not a call) fails; the rest as `success`;
 *   - `roots-fail`: every plain job without needs fails.
 * Plain jobs only fail, so fail-fast never races with sibling legs.
 *
 * Semantics workflows (test/differential/.github/workflows), each with hand-written scenarios
 * (SEMANTICS below): skip propagation with `always()`/`failure()`/false conditions, fail-fast and
 * max-parallel matrices, continue-on-error (jobs and an experimental matrix leg), a dynamic matrix
 * from needs outputs (with include rules, a failing leg, a matrix GitHub rejects), job timeouts (a
 * job that hangs, and one whose duration is beyond its `timeout-minutes`), and a reusable-workflow
 * call compiled with `--op-budget 16` (the call runs as a child execution) and 12 (a stage that
 * needs the call too), and a call whose `with:` reads a need's outputs, deciding its jobs' `if:`
 * and run-time matrix (unbounded, and with the call or its matrix job in a child execution). A sibling leg that must lose a fail-fast race hangs rather than runs for a while, so
 * real timers (the Lambda side) and virtual time (ci-exec) cannot order events differently.
 *
 * Both runtimes run the same `ci-compile --emit=lambda-plan` output (ci-exec reads a plan file as
 * its workflow) with event `push`; ci-exec uses virtual time and a fresh state database per run.
 * Compared per instance id: conclusion and outputs, and the run conclusion.
 */
import { test, before, after } from "./declare.js";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { setup, teardown, runPlan, localSender, realSetTimeout } from "./harness.js";
import { fakeProvider } from "../src/providers.js";
import { readPlan } from "../src/plan.js";
import { ciCompile, ciExec, corpus, compile, corpusFiles, exampleFiles, unsuitable } from "./corpus.js";
import { fileURLToPath } from "node:url";

before(setup);
after(teardown);

const CORPUS_PLANS = 20;
const work = mkdtempSync(path.join(tmpdir(), "ci-lambda-diff-"));
process.on("exit", () => rmSync(work, { recursive: true, force: true }));

const found = existsSync(ciCompile) && existsSync(ciExec);
const plans = [];
if (found) {
  for (const file of exampleFiles()) {
    const c = compile(file);
    if (c.plan) plans.push({ label: `example ${path.basename(file)}`, plan: c.plan });
  }
  let taken = 0;
  for (const file of corpusFiles()) {
    if (taken >= CORPUS_PLANS) break;
    const c = compile(file);
    if (c.error || unsuitable(c.plan, 40) || c.plan.workflows[0].partitions?.length) continue;
    plans.push({ label: `real workflow ${path.relative(corpus, file)}`, plan: c.plan });
    taken++;
  }
}

/** The scenarios of a plan (see the file comment). */
function scenarios(plan) {
  const jobs = plan.workflows[0].jobs.filter((j) => !j.uses);
  const outputs = {};
  for (const j of jobs) for (const i of j.instances ?? []) outputs[i.id] = { outputs: { o: i.id } };
  const plain = jobs.filter((j) => !j.strategy?.matrix && (j.instances?.length ?? 1) <= 1);
  const fail = (ids) => Object.fromEntries(ids.map((id) => [id, { conclusion: "failure" }]));
  const out = [["success", { jobs: outputs }]];
  if (plain.length) out.push(["first-fails", { jobs: { ...outputs, ...fail([plain[0].id]) } }]);
  const roots = plain.filter((j) => !j.needs.length && !j.call);
  if (roots.length > 1) out.push(["roots-fail", { jobs: { ...outputs, ...fail(roots.map((j) => j.id)) } }]);
  return out;
}

let runs = 0;
/** `ci-exec run PLAN --provider sim --scenario S --virtual-time --json`: the run document. */
function ciExecRun(plan, scenario) {
  const dir = path.join(work, String(++runs));
  rmSync(dir, { recursive: true, force: true });
  spawnSync("mkdir", ["-p", dir]);
  writeFileSync(path.join(dir, "plan.json"), JSON.stringify(plan));
  writeFileSync(path.join(dir, "scenario.json"), JSON.stringify(scenario));
  const r = spawnSync(ciExec, ["run", "plan.json", "--provider", "sim", "--scenario", "scenario.json", "--virtual-time",
    "--store", "state.db", "--json"], { cwd: dir, encoding: "utf8", timeout: 30_000 });
  assert.ok(r.status === 0 || r.status === 1, `ci-exec exit ${r.status}: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

/** instance id -> {conclusion, outputs}. */
function byInstance(jobs) {
  return Object.fromEntries(jobs.map((j) => [j.id, { conclusion: j.conclusion, outputs: j.outputs ?? {} }]));
}

const tally = { plans: 0, scenarios: 0, instances: 0, nonSuccess: 0, semantics: { workflows: 0, scenarios: 0, instances: 0, nonSuccess: 0 } };

/**
 * Runs one scenario on both sides and compares. `opBudget` runs a partitioned plan from the
 * Workflow function (the local runner cannot resolve `invoke` from an invoked execution). Fake
 * provider timers still pending when the run ends (a job cancelled by its timeout before its
 * `duration_ms`) are cleared, so they do not keep the test process alive.
 */
async function compareScenario(plan, name, scenario, opts = {}) {
  const timers = new Set();
  const setTimer = (f, ms) => { const t = realSetTimeout(() => { timers.delete(t); f(); }, ms); timers.add(t); return t; };
  const provider = fakeProvider({ scenario, sender: localSender(), mode: "timer", setTimer });
  let result;
  try {
    ({ result } = await runPlan(plan, scenario, { provider, ...(opts.opBudget ? { direct: true, opBudget: opts.opBudget } : {}) }));
  } finally {
    for (const t of timers) clearTimeout(t);
  }
  const ours = byInstance(result.jobs);
  const doc = ciExecRun(plan, scenario);
  const theirs = byInstance(doc.jobs);
  assert.deepEqual(ours, theirs, `scenario ${name}`);
  assert.equal(result.conclusion, doc.conclusion, `scenario ${name}: run conclusion`);
  return { instances: result.jobs.length, nonSuccess: result.jobs.filter((j) => j.conclusion !== "success").length, result };
}

test("differential: ci-compile and ci-exec are built, and there are plans to compare", () => {
  assert.ok(found, `ci-compile or ci-exec missing (${ciCompile}, ${ciExec}): build them, or set CI_COMPILE/CI_EXEC`);
  assert.ok(plans.length >= CORPUS_PLANS, `only ${plans.length} plans`);
});

for (const { label, plan } of plans) {
  test(`differential ${label}: the Lambda package and ci-exec --provider sim agree on every scenario`, async () => {
    readPlan(plan); // the package accepts the plan
    tally.plans++;
    for (const [name, scenario] of scenarios(plan)) {
      const r = await compareScenario(plan, name, scenario);
      tally.scenarios++;
      tally.instances += r.instances;
      tally.nonSuccess += r.nonSuccess;
    }
  });
}

const semanticsDir = path.join(path.dirname(fileURLToPath(import.meta.url)), "differential/.github/workflows");
const fail = { conclusion: "failure" };
const hang = { conclusion: "hang" };
/**
 * Semantics workflows and their scenarios: [file, compile args, {opBudget}, [[name, scenario,
 * expect]]]. `expect` (instance id -> conclusion, a subset) pins what the scenario is about, so
 * that both sides agreeing on something else cannot pass.
 */
const SEMANTICS = [
  ["always.yml", [], {}, [
    ["success", { jobs: { a: { outputs: { v: "1" } } } }, { g: "skipped", h: "skipped", i: "success" }],
    ["a-fails", { jobs: { a: fail } }, { b: "skipped", c: "success", d: "skipped", e: "success", f: "success", g: "skipped" }],
    ["b-fails", { jobs: { a: { outputs: { v: "x" } }, b: fail } }, { c: "success", e: "skipped", g: "success" }],
    ["c-fails", { jobs: { c: fail } }, { d: "skipped", e: "skipped" }],
  ]],
  ["fail-fast.yml", [], {}, [
    ["success", {}, { publish: "success" }],
    ["fail-fast-leg-fails", { jobs: { "test (1)": { conclusion: "failure", duration_ms: 50 }, "test (2)": hang } },
      { "test._1": "failure", "test._2": "cancelled", "test._3": "cancelled", "test._4": "cancelled", report: "success", publish: "skipped" }],
    ["no-fail-fast-leg-fails", { jobs: { "lint (mac)": fail } },
      { "lint.linux": "success", "lint.mac": "failure", "lint.win": "success", report: "success", publish: "skipped" }],
  ]],
  ["continue-on-error.yml", [], {}, [
    ["success", { jobs: { flaky: { outputs: { v: "x" } } } }, { next: "success" }],
    ["flaky-fails", { jobs: { flaky: { conclusion: "failure", outputs: { v: "x" } } } }, { flaky: "failure", next: "success" }],
    ["experimental-leg-fails", { jobs: { "test (9, true)": fail, "test (6, false)": { duration_ms: 100 } } },
      { "test._6_false": "success", "test._7_false": "success", "test._9_true": "failure", after: "success" }],
    ["stable-leg-fails", { jobs: { "test (6, false)": fail, "test (7, false)": hang, "test (9, true)": hang } },
      { after: "skipped" }],
  ]],
  ["dynamic-matrix.yml", [], {}, [
    ["include-rules", { jobs: {
      setup: { outputs: { m: JSON.stringify({ os: ["linux", "mac"], include: [{ os: "linux", extra: "x" }, { os: "win" }] }) } },
      "build (linux)": { outputs: { linux: "ok" } }, "build (win)": { outputs: { win: "ok" }, duration_ms: 30 } } },
    { "build.linux": "success", "build.mac": "success", "build.win": "success", use: "success" }],
    ["leg-fails", { jobs: { setup: { outputs: { m: '{"os":["linux","mac"]}' } }, "build (mac)": fail } },
      { "build.mac": "failure", use: "skipped", always: "success" }],
    ["rejected-matrix", { jobs: { setup: { outputs: { m: '{"os":[]}' } } } }, { build: "failure", use: "skipped", always: "success" }],
    ["setup-fails", { jobs: { setup: fail } }, { build: "skipped", always: "success" }],
  ]],
  ["timeout.yml", [], { secondTimeouts: true }, [
    ["hang", { jobs: { slow: hang, tolerant: hang } },
      { slow: "cancelled", cleanup: "success", deploy: "skipped", tolerant: "cancelled", next: "success" }],
    ["beyond-timeout", { jobs: { slow: { duration_ms: 5000 }, tolerant: { duration_ms: 5000, conclusion: "failure" } } },
      { slow: "cancelled", deploy: "skipped", tolerant: "cancelled", next: "success" }],
    ["within-timeout", { jobs: { slow: { duration_ms: 100 }, tolerant: { duration_ms: 100 } } },
      { slow: "success", deploy: "success", next: "skipped" }],
  ]],
  // Budget 16: the call's two jobs run as child execution p1; budget 12 also moves the stage
  // `announce, cleanup` (which needs the call) to child execution p2.
  ...[16, 12].map((budget) => ["reusable.yml", ["--op-budget", String(budget)], { opBudget: budget }, [
    ["success", { jobs: { build: { outputs: { version: "1.0" } }, "release/upload": { outputs: { url: "https://example.invalid/1.0" } } } },
      { announce: "success", cleanup: "success" }],
    ["upload-fails", { jobs: { "release/upload": fail } }, { announce: "skipped", cleanup: "success" }],
    ["package-fails", { jobs: { "release/package": fail } }, { "release/upload": "skipped", announce: "skipped", cleanup: "success" }],
    ["build-fails", { jobs: { build: fail } }, { announce: "skipped", cleanup: "success" }],
  ]]),
  // The callee's inputs are the call's `with:` over the setup job's outputs (plus a default): they
  // decide its jobs' `if:`, its run-time matrix and the call's output. Unbounded; budget 524 (the
  // call's jobs run as child execution p1, which receives the evaluated inputs); budget 520 (only
  // the matrix job runs as p1, its call stays in the parent).
  ...[[0, "call"], [524, "call"], [520, "matrix"]].map(([budget, kind]) => ["reusable-inputs.yml",
    budget ? ["--op-budget", String(budget)] : [], budget ? { opBudget: budget, partition: kind } : {}, [
      ["full", { jobs: { setup: { outputs: { matrix: '{"os":["linux","mac"]}', mode: "full", count: "2" } }, "build / compile (mac)": { outputs: { artifact: "ok" } } } },
        { "build/compile.linux": "success", "build/compile.mac": "success", "build/full-test": "success", "build/quick-check": "skipped", publish: "success", report: "success" }],
      ["quick", { jobs: { setup: { outputs: { matrix: '{"os":["linux"]}', mode: "quick", count: "2" } } } },
        { "build/compile.linux": "success", "build/full-test": "skipped", "build/quick-check": "success", publish: "skipped", report: "success" }],
      ["count-3", { jobs: { setup: { outputs: { matrix: '{"os":["linux"]}', mode: "full", count: "3" } } } },
        { "build/compile.linux": "success", "build/full-test": "skipped", "build/quick-check": "skipped", report: "success" }],
      ["bad-matrix", { jobs: { setup: { outputs: { matrix: "oops", mode: "full", count: "2" } } } },
        { "build/compile": "failure", "build/full-test": "skipped", publish: "skipped", report: "success" }],
      ["bad-count", { jobs: { setup: { outputs: { matrix: '{"os":["linux"]}', mode: "full", count: "x" } } } },
        { "build/compile": "skipped", "build/full-test": "skipped", "build/quick-check": "skipped", publish: "skipped", report: "success" }],
    ]]),
];

for (const [file, args, opts, cases] of SEMANTICS) {
  test(`differential semantics ${file} ${args.join(" ")}: the Lambda package and ci-exec --provider sim agree on ${cases.length} scenarios`.replace("  ", " "), async () => {
    assert.ok(found, "ci-compile or ci-exec missing");
    const c = compile(path.join(semanticsDir, file), args);
    assert.ok(c.plan, `${file}: ${c.stderr}`);
    const kind = opts.partition ?? "call";
    if (opts.opBudget) assert.ok(c.plan.workflows[0].partitions.some((p) => p.kind === kind), `a ${kind} runs as a child execution`);
    // ci-compile keeps whole minutes; a one-minute timeout becomes one second on both sides.
    if (opts.secondTimeouts) for (const j of c.plan.workflows[0].jobs) if (j.timeout_minutes === 1) j.timeout_minutes = 1 / 60;
    readPlan(c.plan);
    tally.semantics.workflows++;
    for (const [name, scenario, expect] of cases) {
      const r = await compareScenario(c.plan, `${file} ${name}`, scenario, opts);
      const got = Object.fromEntries(r.result.jobs.map((j) => [j.id, j.conclusion]));
      for (const [id, want] of Object.entries(expect)) assert.equal(got[id], want, `${file} ${name}: ${id}`);
      if (opts.opBudget && name === "success") {
        const want = c.plan.workflows[0].partitions.length;
        assert.equal(r.result.workflows[0].children?.length, want, `${want} child executions ran`);
      }
      tally.semantics.scenarios++;
      tally.semantics.instances += r.instances;
      tally.semantics.nonSuccess += r.nonSuccess;
    }
  });
}

test("differential: totals", () => {
  const t = tally.semantics;
  console.log(`differential vs ci-exec --provider sim: ${tally.scenarios + t.scenarios} scenarios, ` +
    `${tally.instances + t.instances} job instances compared (${tally.nonSuccess + t.nonSuccess} not success); ` +
    `compiled plans ${JSON.stringify({ plans: tally.plans, scenarios: tally.scenarios, instances: tally.instances, nonSuccess: tally.nonSuccess })}, ` +
    `semantics workflows ${JSON.stringify(t)}`);
  assert.equal(tally.plans, plans.length);
  assert.equal(t.workflows, SEMANTICS.length);
  assert.ok(tally.nonSuccess > 0 && t.nonSuccess > 0, "the scenarios exercise failures and skips");
});
