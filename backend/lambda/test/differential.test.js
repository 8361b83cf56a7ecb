// Differential: the same compiled plan and scenario on the Lambda package (local durable runner) and on `ci-exec run --provider sim` give the same job conclusions and outputs.
/**
 * \file
 * Plans: the examples and the first real workflows of the corpus (test/corpus.js order) that
 * compile and have no run-time matrix. Scenarios, built from each plan:
 *   - `success`: every job succeeds and reports the output `o` = its instance id;
 *   - `first-fails`: the first plain job (no matrix, not a call) fails; the rest as `success`;
 *   - `roots-fail`: every plain job without needs fails.
 * Plain jobs only fail, so fail-fast never races with sibling legs. Both runtimes run the same
 * `ci-compile --emit=lambda-plan` output (ci-exec reads a plan file as its workflow) with event
 * `push`; ci-exec uses virtual time and a fresh state database per run. Compared per instance
 * id: conclusion and outputs, and the run conclusion.
 */
import { test, before, after } from "./declare.js";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { setup, teardown, runPlan } from "./harness.js";
import { readPlan } from "../src/plan.js";
import { ciCompile, ciExec, corpus, compile, corpusFiles, exampleFiles, unsuitable } from "./corpus.js";

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

const tally = { plans: 0, scenarios: 0, instances: 0, nonSuccess: 0 };

test("differential: ci-compile and ci-exec are built, and there are plans to compare", () => {
  assert.ok(found, `ci-compile or ci-exec missing (${ciCompile}, ${ciExec}): build them, or set CI_COMPILE/CI_EXEC`);
  assert.ok(plans.length >= CORPUS_PLANS, `only ${plans.length} plans`);
});

for (const { label, plan } of plans) {
  test(`differential ${label}: the Lambda package and ci-exec --provider sim agree on every scenario`, async () => {
    readPlan(plan); // the package accepts the plan
    tally.plans++;
    for (const [name, scenario] of scenarios(plan)) {
      const { result } = await runPlan(plan, scenario);
      const ours = byInstance(result.jobs);
      const doc = ciExecRun(plan, scenario);
      const theirs = byInstance(doc.jobs);
      assert.deepEqual(ours, theirs, `scenario ${name}`);
      assert.equal(result.conclusion, doc.conclusion, `scenario ${name}: run conclusion`);
      tally.scenarios++;
      tally.instances += result.jobs.length;
      tally.nonSuccess += result.jobs.filter((j) => j.conclusion !== "success").length;
    }
  });
}

test("differential: totals", () => {
  console.log(`differential vs ci-exec --provider sim: ${JSON.stringify(tally)}`);
  assert.equal(tally.plans, plans.length);
  assert.ok(tally.nonSuccess > 0, "the scenarios exercise failures and skips");
});
