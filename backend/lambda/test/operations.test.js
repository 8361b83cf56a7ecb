// Operation counts, partitions into child executions, concurrency between runs, SQS idempotency, the Callback API.
import { test, before, after } from "./declare.js";
import assert from "node:assert/strict";
import { setup, teardown, runPlan, conclusions, sleep, realNow, onePerWake } from "./harness.js";
import { plan, fanOut, chain, matrixPlan } from "./plans.js";
import { readPlan, partitionWorkflow, overBudget } from "../src/plan.js";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { MemoryControlStore } from "../src/control_store.js";
import { makeSqsHandler, executionName } from "../src/sqs.js";
import { makeCallbackApiHandler } from "../src/callback_api.js";
import { makeToken, readToken } from "../src/callbacks.js";
import { expandMatrix } from "../src/matrix.js";

before(setup);
after(teardown);

/** The estimate of the single execution of a one-workflow plan. */
function estimateOf(p, budget = 3000) {
  const w = readPlan(p).workflows[0];
  partitionWorkflow(w, budget);
  return w.estimate;
}

/** Runs `p` with one completion per wake (harness `onePerWake`); adds the number of reports sent. */
async function runOnePerWake(p, scenario = {}, opts = {}) {
  const driver = onePerWake(opts);
  try {
    const out = await runPlan(p, scenario, driver.options);
    return { ...out, released: driver.released };
  } finally {
    driver.stop();
  }
}

for (const [label, p] of [
  ["fan-out of 40", fanOut(40)],
  ["chain of 25", chain(25)],
  ["matrix of 12 with max-parallel 3", matrixPlan({ a: [1, 2, 3], b: [1, 2, 3, 4] }, { max_parallel: 3 })],
  ["fan-out of 10 between a setup job and a final job", plan([{ id: "setup" },
    ...Array.from({ length: 10 }, (_, i) => ({ id: `t${i}`, needs: ["setup"] })),
    { id: "final", needs: Array.from({ length: 10 }, (_, i) => `t${i}`) }])],
]) {
  test(`operations of a ${label}, one completion per wake: at most the estimate and within 10% of it`, async () => {
    const est = estimateOf(p);
    const { result, invocations, released } = await runOnePerWake(p);
    assert.equal(result.conclusion, "success");
    const jobs = result.jobs.length;
    assert.equal(released, jobs, "every job reported on its own wake");
    assert.ok(invocations.count >= jobs + 1, "one invocation to start, one per completion (each replays)");
    const actual = result.workflows[0].operations;
    console.log(`operations of a ${label}: ${actual} measured, ${est.operations} estimated, ${jobs} job instances`);
    assert.ok(actual <= est.operations, `actual ${actual} > estimate ${est.operations}`);
    assert.ok(actual >= 0.9 * est.operations, `actual ${actual} < 90% of estimate ${est.operations}`);
    assert.ok(actual <= 3 * jobs + 3, `${actual} operations for ${jobs} jobs`);
    assert.ok(actual <= 3000);
  });
}

test("the operation counter agrees with the local runner's journal", async () => {
  // Started at the Workflow function, the runner's journal is the workflow execution's: its
  // top-level operations must be exactly the ones the loop counted.
  const { result, operations } = await runOnePerWake(chain(4), {}, { direct: true });
  assert.equal(result.conclusion, "success");
  const top = operations.filter((o) => !o.getParentId());
  assert.equal(top.length, result.workflows[0].operations, top.map((o) => o.getName()).join(","));
  assert.equal(top.length, 3 * 4 + 3);
});

test("a workflow over budget is split into child executions; none exceeds the budget and the results match", async () => {
  const p = fanOut(120);
  p.workflows[0].jobs.push({ id: "final", needs: p.workflows[0].jobs.map((j) => j.id) });
  const budget = 100;
  const est = estimateOf(p, budget);
  assert.ok(est.executions.length > 2, JSON.stringify(est));
  for (const e of est.executions) assert.ok(e.operations <= budget, JSON.stringify(e));
  const { result } = await runPlan(p, {}, { opBudget: budget, direct: true });
  assert.equal(result.conclusion, "success");
  assert.equal(result.jobs.length, 121);
  assert.ok(result.jobs.every((j) => j.conclusion === "success"));
  const wf = result.workflows[0];
  assert.ok(wf.operations <= budget, `parent ${wf.operations}`);
  for (const c of wf.children) assert.ok(c.operations <= c.estimate && c.estimate <= budget, JSON.stringify(c));
});

test("reusable-workflow call as a child execution: gate, member names, outputs and dependents", async () => {
  const p = plan([
    { id: "pre", outputs: { v: "${{ steps.s.outputs.v }}" } },
    { id: "call", uses: "./.github/workflows/lib.yml", needs: ["pre"], outputs: { o: "${{ jobs.build.outputs.b }}" } },
    { id: "call/build", local_id: "build", name: "build", call: "call", outputs: { b: "x" } },
    { id: "call/test", local_id: "test", name: "test", call: "call", needs: [{ id: "call/build", as: "build" }],
      if: "success() && (needs.build.outputs.b == 'built')" },
    { id: "after", needs: ["call"], if: "success() && (needs.call.outputs.o == 'built' && needs.call.result == 'success')" },
  ], { partitions: [{ id: "lib", kind: "call", jobs: ["call/build", "call/test"] }] });
  const { result, invocations } = await runPlan(p, { jobs: { "call / build": { outputs: { b: "built" } } } }, { direct: true });
  assert.deepEqual(conclusions(result), { pre: "success", "call / build": "success", "call / test": "success", after: "success" });
  assert.deepEqual([...invocations.partitions], ["lib"], "the call ran in its own execution");
  assert.equal(result.workflows[0].children.length, 1);
});

test("a skipped reusable call skips its members without starting a child execution", async () => {
  const p = plan([
    { id: "pre" },
    { id: "call", uses: "./lib.yml", needs: ["pre"], if: "success() && (github.ref == 'refs/heads/nope')" },
    { id: "call/build", local_id: "build", call: "call", if: "always()" },
  ], { partitions: [{ id: "lib", kind: "call", jobs: ["call/build"] }] });
  const { result, invocations } = await runPlan(p, {});
  assert.deepEqual(conclusions(result), { pre: "success", "call / build": "skipped" });
  assert.equal(invocations.partitions.size, 0, "no child execution");
});

/** Polls `pred` (real timers) until it holds; fails after `ms` with `what`. */
async function until(pred, what, ms = 20000) {
  const t0 = realNow();
  while (!(await pred())) {
    if (realNow() - t0 > ms) throw new Error(`timed out waiting until ${what}`);
    await sleep(10);
  }
}

test("concurrency wake between two runs: the second run's deploy waits for the first and is woken when it finishes", async () => {
  // r1 holds the group (its deploy is dispatched, its report held back); r2's deploy must queue
  // as the pending waiter, be woken by r1's release, and only then be dispatched.
  const store = new MemoryControlStore();
  const p = plan([{ id: "deploy", concurrency: { group: "Prod-${{ github.event_name }}" } }]);
  let env1 = null, env2 = null;
  const first = runPlan(p, {}, { store, runId: "r1", mode: "manual", onStart: (e) => { env1 = e; } });
  await until(() => env1?.provider.log.dispatched.length === 1, "r1's deploy is dispatched");
  const second = runPlan(p, {}, { store, runId: "r2", onStart: (e) => { env2 = e; } });
  const group = () => store.groups.get("prod-push");
  await until(() => group()?.pending.length === 1, "r2's deploy waits in the group");
  assert.equal(group().holder.holderKey, "r1/ci/deploy");
  assert.equal(env2.provider.log.dispatched.length, 0, "r2's deploy is not dispatched while r1 holds the group");
  await env1.provider.releaseAll();
  const [a, b] = await Promise.all([first, second]);
  assert.equal(a.result.conclusion, "success");
  assert.equal(b.result.conclusion, "success");
  assert.equal(b.result.jobs[0].conclusion, "success");
  assert.equal(env2.provider.log.dispatched.length, 1);
  assert.equal(group().holder, null, "the group is free at the end");
});

test("a newer pending run replaces the older pending one in a concurrency group (queue: single)", async () => {
  // r1 holds "prod"; r2 then r3 queue behind it. GitHub keeps one pending run per group: r3's
  // arrival cancels r2's waiting deploy (reason concurrency); when r1 finishes, r3 runs.
  const store = new MemoryControlStore();
  const p = plan([{ id: "deploy", concurrency: "prod" }]);
  const envs = {};
  const start = (runId, mode) => runPlan(p, {}, { store, runId, mode, onStart: (e) => { envs[runId] = e; } });
  const group = () => store.groups.get("prod");
  const holder = start("r1", "manual");
  await until(() => envs.r1?.provider.log.dispatched.length === 1, "r1's deploy is dispatched");
  const older = start("r2", "timer");
  await until(() => group()?.pending.length === 1, "r2's deploy waits in the group");
  const newer = start("r3", "timer");
  const b = await older;
  assert.equal(b.result.jobs[0].conclusion, "cancelled");
  assert.equal(b.result.jobs[0].reason, "concurrency");
  assert.equal(b.result.conclusion, "success", "a job-level group cancels the job, not the run (§3.7)");
  assert.equal(envs.r2.provider.log.dispatched.length, 0, "the replaced deploy never ran");
  assert.equal(group().pending.length, 1, "r3 is the one pending run");
  assert.equal(envs.r3.provider.log.dispatched.length, 0);
  await envs.r1.provider.releaseAll();
  const [a, c] = await Promise.all([holder, newer]);
  assert.equal(a.result.jobs[0].conclusion, "success");
  assert.equal(c.result.jobs[0].conclusion, "success");
  assert.equal(envs.r3.provider.log.dispatched.length, 1);
  assert.equal(group().holder, null, "the group is free at the end");
});

test("SQS idempotency: the same message delivered twice starts one Run execution; a bad message is a batch failure", async () => {
  const started = new Map();
  const starter = { async start({ name, payload }) {
    const prev = started.get(name);
    if (prev && prev !== payload) throw new Error("name reused with another payload");
    started.set(name, payload);
  } };
  const logged = [];
  const handler = makeSqsHandler(async () => ({ starter, runFunction: "run", log: (l) => logged.push(JSON.parse(l)) }));
  const body = JSON.stringify({ run: { id: "12345/attempt-1" }, plan: fanOut(1) });
  const r1 = await handler({ Records: [{ messageId: "m1", body }, { messageId: "m2", body: "{oops" }] });
  const r2 = await handler({ Records: [{ messageId: "m1", body }] });
  assert.deepEqual(r1.batchItemFailures, [{ itemIdentifier: "m2" }]);
  assert.deepEqual(r2.batchItemFailures, []);
  assert.deepEqual(logged.map((l) => [l.level, l.message, l.messageId]), [["error", "cannot start run", "m2"]]);
  assert.equal(started.size, 1);
  const name = [...started.keys()][0];
  assert.match(name, /^[A-Za-z0-9_-]{1,64}$/);
  assert.equal(executionName("abc"), "run-abc");
  assert.equal(executionName("x".repeat(200)).length, 64);
  assert.notEqual(executionName("a/b"), executionName("a_b"));
});

test("Callback API: a signed token completes its callback; a forged one is refused", async () => {
  const sent = [];
  const sender = { success: async (id, r) => sent.push([id, JSON.parse(r)]), heartbeat: async (id) => sent.push([id, "hb"]) };
  const api = makeCallbackApiHandler(async () => ({ sender, store: new MemoryControlStore(), tokenSecret: "k" }));
  const token = makeToken("k", "cb-1");
  assert.equal(readToken("k", token), "cb-1");
  assert.equal(readToken("other", token), null);
  const ok = await api({ rawPath: "/callback", body: JSON.stringify({ token, status: "failure", outputs: { a: "1" } }) });
  assert.equal(ok.statusCode, 200);
  const hb = await api({ rawPath: "/callback", body: JSON.stringify({ token, status: "heartbeat" }) });
  assert.equal(hb.statusCode, 200);
  const bad = await api({ rawPath: "/callback", body: JSON.stringify({ token: token.slice(0, -2) + "xx" }) });
  assert.equal(bad.statusCode, 403);
  const none = await api({ rawPath: "/runs/zz/cancel", body: "{}" });
  assert.equal(none.statusCode, 404);
  assert.deepEqual(sent, [["cb-1", { conclusion: "failure", outputs: { a: "1" } }], ["cb-1", "hb"]]);
});

test("matrix expansion follows GitHub's worked examples (gha-semantics §2.4)", () => {
  const names = (m, n = "job") => expandMatrix(m, n).map((l) => l.name);
  assert.deepEqual(names({ fruit: ["apple", "pear"], animal: ["cat", "dog"], include: [{ color: "green" }, { color: "pink", animal: "cat" },
    { fruit: "apple", shape: "circle" }, { fruit: "banana" }, { fruit: "banana", animal: "cat" }] }),
  ["job (apple, cat)", "job (apple, dog)", "job (pear, cat)", "job (pear, dog)", "job (banana)", "job (banana, cat)"]);
  const ex2 = expandMatrix({ os: ["macos-latest", "windows-latest"], version: [12, 14, 16], environment: ["staging", "production"],
    exclude: [{ os: "macos-latest", version: 12, environment: "production" }, { os: "windows-latest", version: 16 }] }, "j");
  assert.equal(ex2.length, 9);
  assert.deepEqual(expandMatrix({ os: ["a", "b"], include: [{ os: "a", node: 1 }, { os: "a", node: 2 }] }, "j").map((l) => l.matrix),
    [{ os: "a", node: 2 }, { os: "b" }]);
  assert.deepEqual(names({ os: ["Ubuntu"], v: ["16"], include: [{ os: "ubuntu", v: 16, x: 1 }] }), ["job (Ubuntu, 16)"], "loose, case-insensitive include match");
  assert.deepEqual(names({ v: [3.1, true, null, ""] }), ["job (3.1)", "job (true)", "job", "job"]);
  assert.throws(() => expandMatrix({ os: [] }, "j"), /does not contain any values/);
  assert.throws(() => expandMatrix({ os: ["a"], exclude: [{ arch: "x" }] }, "j"), /exclude key 'arch'/);
  assert.throws(() => expandMatrix({ a: Array.from({ length: 300 }, (_, i) => i) }, "j"), /at most 256/);
});

test("a plan whose matrix alone is over the budget: the Run function refuses it and estimate-plan.js exits 1", { timeout: 30_000 }, async () => {
  const p = plan([{ id: "m", strategy: { matrix: { n: Array.from({ length: 30 }, (_, i) => i) } }, legs: 30 }, { id: "a" }]);
  const w = readPlan(p).workflows[0];
  partitionWorkflow(w, 40);
  assert.deepEqual(w.partitions.map((x) => [x.kind, x.jobs]), [["matrix", ["m"]]]);
  assert.deepEqual(overBudget(w), ['child execution p1 of workflow "ci" may need 64 durable operations, over the budget of 40; ' +
    "a single matrix job or reusable-workflow call this large cannot be split further"]);
  await assert.rejects(runPlan(p, {}, { opBudget: 40 }), /child execution p1 of workflow \\?"ci\\?" may need 64 durable operations/);
  const cli = spawnSync(process.execPath, [fileURLToPath(new URL("../bin/estimate-plan.js", import.meta.url)), "--budget", "40"],
    { input: JSON.stringify(p), encoding: "utf8" });
  assert.equal(cli.status, 1, cli.stderr);
  assert.match(cli.stderr, /estimate-plan: child execution p1 of workflow "ci" may need 64 durable operations/);
  assert.equal(JSON.parse(cli.stdout).workflows[0].estimate.executions[1].operations, 64);
});
