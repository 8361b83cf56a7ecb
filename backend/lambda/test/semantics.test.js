// Scenario tests of GitHub's job semantics on the local durable runner with the fake provider.
import { test, before, after } from "./declare.js";
import assert from "node:assert/strict";
import { setup, teardown, runPlan, conclusions, sleep } from "./harness.js";
import { plan, matrixPlan } from "./plans.js";
import { makeCallbackApiHandler } from "../src/callback_api.js";

before(setup);
after(teardown);

const byName = (result) => Object.fromEntries(result.jobs.map((j) => [j.name, j]));

test("failure skips default dependents transitively; always() and failure() jobs still run", async () => {
  // a fails -> b (default) skipped -> c (always) runs -> d (default) stays skipped (skipped ancestor b).
  const p = plan([
    { id: "a" },
    { id: "b", needs: ["a"] },
    { id: "c", needs: ["b"], if: "always()" },
    { id: "d", needs: ["c"] },
    { id: "e", needs: ["a"], if: "failure()" },
    { id: "f", needs: ["a"], if: "success() || failure() || cancelled()" },
  ]);
  const { result } = await runPlan(p, { jobs: { a: { conclusion: "failure" } } });
  assert.deepEqual(conclusions(result), { a: "failure", b: "skipped", c: "success", d: "skipped", e: "success", f: "success" });
  assert.equal(byName(result).b.reason, "needs");
  assert.equal(result.conclusion, "failure");
});

test("a false condition skips a job and its default dependents; always() differs from the status disjunction", async () => {
  const p = plan([
    { id: "a", if: "success() && (github.ref == 'refs/heads/other')" },
    { id: "b", needs: ["a"], if: "success() || failure() || cancelled()" },
    { id: "c", needs: ["a"], if: "always()" },
  ]);
  const { result } = await runPlan(p, {});
  assert.deepEqual(conclusions(result), { a: "skipped", b: "skipped", c: "success" });
  assert.equal(byName(result).a.reason, "condition");
  assert.equal(result.conclusion, "success");
});

test("continue-on-error: a failed job reports success to needs and does not fail the run", async () => {
  const p = plan([
    { id: "flaky", continue_on_error: true, outputs: { v: "${{ steps.s.outputs.v }}" } },
    { id: "next", needs: ["flaky"], if: "success() && (needs.flaky.result == 'success' && needs.flaky.outputs.v == 'x')" },
  ]);
  const { result } = await runPlan(p, { jobs: { flaky: { conclusion: "failure", outputs: { v: "x" } } } });
  assert.deepEqual(conclusions(result), { flaky: "failure", next: "success" });
  assert.equal(result.conclusion, "success");
});

test("fail-fast cancels running and queued sibling legs; max-parallel holds legs back", async () => {
  const p = matrixPlan({ v: [1, 2, 3, 4] }, { fail_fast: true, max_parallel: 2 });
  const { result, provider } = await runPlan(p, {
    default: { conclusion: "hang" },
    jobs: { "test (1)": { conclusion: "failure", duration_ms: 50 }, report: { conclusion: "success" } },
  });
  const j = byName(result);
  assert.equal(j["test (1)"].conclusion, "failure");
  for (const n of ["test (2)", "test (3)", "test (4)"]) {
    assert.equal(j[n].conclusion, "cancelled", n);
    assert.equal(j[n].reason, "fail-fast", n);
  }
  // Only two legs were ever dispatched (max-parallel 2); the running one was cancelled at the provider.
  assert.deepEqual(provider.log.dispatched.filter((d) => d.job === "test").map((d) => d.name), ["test (1)", "test (2)"]);
  assert.deepEqual(provider.log.cancelled.map((c) => c.instance), ["test._2"]);
  assert.equal(j.report.conclusion, "success");
  assert.equal(result.conclusion, "failure");
});

test("fail-fast ignores a failing leg with continue-on-error (the experimental leg)", async () => {
  const p = matrixPlan({ version: [6, 7], experimental: [false], include: [{ version: 9, experimental: true }] },
    { fail_fast: true }, { continue_on_error: "${{ matrix.experimental }}" });
  const { result } = await runPlan(p, { jobs: { "test (9, true)": { conclusion: "failure" }, "test (6, false)": { duration_ms: 100 } } });
  assert.deepEqual(conclusions(result), { "test (6, false)": "success", "test (7, false)": "success", "test (9, true)": "failure", report: "success" });
  assert.equal(result.conclusion, "success");
});

test("a job timeout cancels the job (reason timeout); always() dependents run, default ones are skipped", async () => {
  const p = plan([
    { id: "slow", timeout_minutes: 1 / 60 },
    { id: "cleanup", needs: ["slow"], if: "always()" },
    { id: "deploy", needs: ["slow"] },
  ]);
  const { result, provider } = await runPlan(p, { jobs: { slow: { conclusion: "hang" } } });
  const j = byName(result);
  assert.equal(j.slow.conclusion, "cancelled");
  assert.equal(j.slow.reason, "timeout");
  assert.equal(j.cleanup.conclusion, "success");
  assert.equal(j.deploy.conclusion, "skipped");
  assert.deepEqual(provider.log.cancelled, [{ instance: "slow", reason: "timeout" }]);
  assert.equal(result.conclusion, "failure", "a timed-out job fails the run (docs/lambda.md, run conclusion)");
});

test("a job timeout under continue-on-error: the job is cancelled, needs.<id>.result is cancelled, the run succeeds", async () => {
  const p = plan([
    { id: "slow", timeout_minutes: 1 / 60, continue_on_error: true },
    { id: "next", needs: ["slow"], if: "always() && needs.slow.result == 'cancelled'" },
  ]);
  const { result } = await runPlan(p, { jobs: { slow: { conclusion: "hang" } } });
  const j = byName(result);
  assert.equal(j.slow.conclusion, "cancelled");
  assert.equal(j.slow.reason, "timeout");
  assert.equal(j.next.conclusion, "success");
  assert.equal(result.conclusion, "success");
});

test("cancel request: running jobs are cancelled, always() jobs still run, the run concludes cancelled", async () => {
  const p = plan([
    { id: "build" },
    { id: "notify", needs: ["build"], if: "always()" },
    { id: "deploy", needs: ["build"] },
    { id: "guard", if: "always()" },
  ]);
  const { result, provider } = await runPlan(p, { jobs: { build: { conclusion: "hang" }, guard: { duration_ms: 300 } } }, {
    onStart: (env) => cancelWhenDispatched(env, "build"),
  });
  const j = byName(result);
  assert.equal(j.build.conclusion, "cancelled");
  assert.equal(j.build.reason, "cancel-request");
  assert.equal(j.notify.conclusion, "success");
  assert.equal(j.deploy.conclusion, "skipped");
  assert.equal(j.guard.conclusion, "success", "a running always() job keeps running");
  assert.equal(result.conclusion, "cancelled");
  assert.deepEqual(provider.log.cancelled.map((c) => c.instance), ["build"]);
});

/** Sends a cancel through the Callback API once `instance` has been dispatched. */
async function cancelWhenDispatched(env, instance) {
  const api = makeCallbackApiHandler(async () => ({ sender: env.sender, store: env.store, tokenSecret: "s" }));
  for (let i = 0; i < 400; i++) {
    if (env.provider.log.dispatched.some((d) => d.instance === instance) && (await env.store.controlsFor("r1")).length) break;
    await sleep(10);
  }
  const res = await api({ rawPath: "/runs/r1/cancel", body: "{}" });
  assert.equal(res.statusCode, 200, res.body);
}

test("retry-wake while others run: the failed job re-runs with attempt 2 and its dependents are decided again", async () => {
  const p = plan([
    { id: "unit" },
    { id: "long" },
    { id: "package", needs: ["unit"] },
  ]);
  const { result } = await runPlan(p, { jobs: { unit: { fail_attempts: 1 }, long: { duration_ms: 1500 } } }, {
    onStart: async (env) => {
      const api = makeCallbackApiHandler(async () => ({ sender: env.sender, store: env.store, tokenSecret: "s" }));
      for (let i = 0; i < 400 && (env.provider.log.reported ?? 0) < 1; i++) await sleep(10);
      await sleep(100);
      const res = await api({ rawPath: "/runs/r1/retry", body: JSON.stringify({ job: "unit" }) });
      assert.equal(res.statusCode, 200, res.body);
    },
  });
  const j = byName(result);
  assert.equal(j.unit.conclusion, "success");
  assert.equal(j.unit.attempt, 2);
  assert.equal(j.package.conclusion, "success");
  assert.equal(j.long.conclusion, "success");
  assert.equal(result.conclusion, "success");
});

test("dynamic matrix: expanded at run time from needs outputs (GitHub's include rules), outputs merged across legs", async () => {
  const m = JSON.stringify({ os: ["linux", "mac"], include: [{ os: "linux", extra: "x" }, { os: "win" }] });
  const p = plan([
    { id: "setup", outputs: { m: "${{ steps.s.outputs.m }}" } },
    { id: "build", needs: ["setup"], strategy: { matrix: "${{ fromJSON(needs.setup.outputs.m) }}" }, legs: 3 },
    { id: "use", needs: ["build"], if: "success() && (needs.build.outputs.linux == 'ok' && needs.build.outputs.win == 'ok')" },
  ]);
  const { result } = await runPlan(p, { jobs: {
    setup: { outputs: { m } },
    "build (linux)": { outputs: { linux: "ok" } },
    "build (win)": { outputs: { win: "ok" }, duration_ms: 30 },
  } });
  assert.deepEqual(conclusions(result), { setup: "success", "build (linux)": "success", "build (mac)": "success", "build (win)": "success", use: "success" });
  assert.deepEqual(result.jobs.filter((j) => j.job === "build").map((j) => j.id), ["build.linux", "build.mac", "build.win"]);
});

test("a dynamic matrix that GitHub rejects fails its job", async () => {
  const p = plan([
    { id: "setup", outputs: { m: "${{ steps.s.outputs.m }}" } },
    { id: "build", needs: ["setup"], strategy: { matrix: "${{ fromJSON(needs.setup.outputs.m) }}" }, legs: 1 },
  ]);
  const { result } = await runPlan(p, { jobs: { setup: { outputs: { m: '{"os": []}' } } } });
  assert.equal(byName(result).build.conclusion, "failure");
  assert.equal(byName(result).build.reason, "matrix");
});
