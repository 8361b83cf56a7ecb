// Plans emitted by `ci-compile --emit=lambda-plan` for the examples and real workflows, run on the local runner: conclusions and operation counts.
/**
 * \file
 * ci-compile and the corpus: test/corpus.js. Real workflows are taken
 * round-robin over the repositories in name order and kept when they compile without errors,
 * have no matrix that only run-time outputs can expand (the default scenario reports no outputs),
 * and have at most 64 job instances (one completion per wake replays the history each time).
 * Every job reports success (the default scenario); each plan must conclude `success` with every
 * job `success` or `skipped`, every plan job reported, and its operations at most the plan's
 * estimate, never over the budget, and within 10% of the estimate recomputed over the jobs that
 * ran (skipped jobs cost nothing).
 */
import { test, before, after } from "./declare.js";
import assert from "node:assert/strict";
import path from "node:path";
import { setup, teardown, runPlan, onePerWake } from "./harness.js";
import { readPlan, estimateExecution } from "../src/plan.js";
import { ciCompile, corpus, repo, compile, corpusFiles, exampleFiles, unsuitable } from "./corpus.js";
import { existsSync } from "node:fs";

before(setup);
after(teardown);

const WANT = 55;

const found = existsSync(ciCompile);
const examples = [];
const selected = [];
const stats = { tried: 0, errors: 0, unsuitable: 0 };
if (found) {
  for (const file of exampleFiles()) examples.push({ file, ...compile(file) });
  for (const file of corpusFiles()) {
    if (selected.length >= WANT) break;
    stats.tried++;
    const c = compile(file);
    if (c.error) { stats.errors++; continue; }
    if (unsuitable(c.plan)) { stats.unsuitable++; continue; }
    selected.push({ file, plan: c.plan });
  }
}

test("ci-compile emits Lambda plans for the examples and at least 50 real workflows", () => {
  assert.ok(found, `ci-compile not found at ${ciCompile}: build it, or set CI_COMPILE`);
  assert.ok(existsSync(corpus), `the corpus ${corpus} is missing (set CI_SHARED_DIR)`);
  for (const e of examples) assert.ok(e.plan, `${e.file}: ${e.error}`);
  console.log(`compiled plans: ${examples.length} examples; corpus: ${stats.tried} tried, ${stats.errors} with errors, ` +
    `${stats.unsuitable} not runnable with the default scenario, ${selected.length} run`);
  assert.ok(selected.length >= 50, `only ${selected.length} real workflows compiled to runnable plans`);
});

/** Runs a compiled plan, one completion per wake, and checks conclusions and operations. */
async function runCompiled(plan) {
  const w = readPlan(plan).workflows[0];
  const est = plan.workflows[0].estimate;
  assert.ok(est?.executions?.length, "the plan carries the estimate of each execution");
  const budget = est.budget;
  const driver = onePerWake({ direct: w.partitions.length > 0 });
  let out;
  try {
    out = await runPlan(plan, {}, driver.options);
  } finally {
    driver.stop();
  }
  const { result } = out;
  assert.equal(result.conclusion, "success", JSON.stringify(result.jobs.filter((j) => j.conclusion !== "success")));
  for (const j of result.jobs) assert.ok(["success", "skipped"].includes(j.conclusion), `${j.name}: ${j.conclusion} (${j.reason})`);
  // Every plan job is reported: its instances when it ran, itself when skipped.
  const reported = new Set(result.jobs.map((j) => j.job));
  for (const j of w.jobs) if (!j.uses) assert.ok(reported.has(j.id), `job ${j.id} is not reported`);
  for (const j of w.jobs.filter((j) => j.instances?.length)) {
    const ran = result.jobs.filter((r) => r.job === j.id && r.conclusion !== "skipped").map((r) => r.id);
    if (ran.length) assert.deepEqual(ran, j.instances.map((i) => i.id), `instances of ${j.id}`);
  }
  // Operations: at most the estimate, never over budget, within 10% over the jobs that ran.
  const actual = result.workflows[0].operations;
  const main = est.executions[0].operations;
  assert.ok(actual <= main, `${actual} operations > estimate ${main}`);
  assert.ok(actual <= budget, `${actual} operations > budget ${budget}`);
  const ranIds = new Set(result.jobs.filter((j) => j.conclusion !== "skipped").map((j) => j.job));
  for (const j of w.jobs) if (j.uses && w.jobs.some((m) => m.call === j.id && ranIds.has(m.id))) ranIds.add(j.id);
  const partitioned = new Set(w.partitions.flatMap((p) => p.jobs));
  const members = new Set([...ranIds].filter((id) => !partitioned.has(id)));
  const tight = estimateExecution(w, members, w.partitions.length);
  assert.ok(actual >= 0.9 * tight, `${actual} operations < 90% of ${tight}, the estimate over the jobs that ran`);
  totals.plans++;
  totals.jobs += w.jobs.filter((j) => !j.uses).length;
  totals.instances += result.jobs.length;
  totals.skipped += result.jobs.filter((j) => j.conclusion === "skipped").length;
  totals.operations += actual;
  totals.estimate += main;
  totals.exact += actual === tight ? 1 : 0;
  if (w.jobs.some((j) => j.needs.length)) totals.withNeeds++;
  if (w.jobs.some((j) => (j.instances?.length ?? 0) > 1)) totals.withMatrix++;
  if (w.jobs.some((j) => j.call)) totals.withCalls++;
  return { actual, main, tight };
}

const totals = { plans: 0, jobs: 0, instances: 0, skipped: 0, operations: 0, estimate: 0, exact: 0, withNeeds: 0, withMatrix: 0, withCalls: 0 };

for (const e of examples) {
  test(`example ${path.basename(e.file)}: runs to success within its operation estimate`, async () => {
    assert.ok(e.plan, e.error);
    await runCompiled(e.plan);
  });
}
test("example ci.yml compiled with --op-budget 20: its matrix runs as a child execution, each execution within its estimate and the budget", async () => {
  assert.ok(found, `ci-compile not found at ${ciCompile}`);
  const c = compile(path.join(repo, "examples/.github/workflows/ci.yml"), ["--op-budget", "20"]);
  assert.ok(c.plan, c.error);
  const w = c.plan.workflows[0];
  assert.deepEqual(w.partitions.map((p) => [p.kind, p.jobs]), [["matrix", ["test"]]]);
  const est = Object.fromEntries(w.estimate.executions.map((e) => [e.id, e.operations]));
  for (const v of Object.values(est)) assert.ok(v <= 20, JSON.stringify(est));
  const driver = onePerWake({ direct: true, opBudget: 20 });
  let result;
  try {
    ({ result } = await runPlan(c.plan, {}, driver.options));
  } finally {
    driver.stop();
  }
  assert.equal(result.conclusion, "success");
  const wf = result.workflows[0];
  assert.ok(wf.operations <= est.main, `main: ${wf.operations} > ${est.main}`);
  assert.equal(wf.children.length, 1);
  for (const ch of wf.children) assert.ok(ch.operations <= est[ch.id] && ch.operations >= 0.9 * est[ch.id], JSON.stringify(ch));
  assert.deepEqual(result.jobs.filter((j) => j.job === "test").map((j) => j.conclusion), ["success", "success", "success", "success"]);
});

for (const s of selected) {
  test(`real workflow ${path.relative(corpus, s.file)}: runs to success within its operation estimate`, async () => {
    await runCompiled(s.plan);
  });
}

test("compiled plans: every plan ran, and they cover needs, matrices and reusable calls", () => {
  console.log(`compiled plans run: ${JSON.stringify(totals)}`);
  assert.equal(totals.plans, examples.length + selected.length);
  assert.ok(totals.withNeeds >= 10 && totals.withMatrix >= 5 && totals.withCalls >= 1, JSON.stringify(totals));
});
