// Reusable-workflow calls: members see the call's `with:` as `inputs` (in one execution, in a child execution, nested), the dispatch carries inputs and call secrets, a failing input fails the call.
import { test, before, after } from "./declare.js";
import assert from "node:assert/strict";
import { setup, teardown, runPlan, conclusions, onePerWake } from "./harness.js";
import { plan } from "./plans.js";
import { readPlan, PlanError } from "../src/plan.js";

before(setup);
after(teardown);

/** The run's inputs: a member reading them instead of its call's would decide differently. */
const RUN_INPUTS = { os: "linux", count: 7, greeting: "run-level" };

/**
 * A call whose `with:` reads a need's output, the run's inputs and a literal; its members use the
 * inputs in `if:`, a runtime matrix and a name, and the call's output reads them too.
 */
function callPlan(extra = {}) {
  return plan([
    { id: "prep", outputs: { v: "${{ steps.s.outputs.v }}" } },
    { id: "top", if: "success() && (inputs.count == 7)" },
    { id: "call", name: "lib", uses: "./.github/workflows/lib.yml", needs: ["prep"],
      with: { greeting: "${{ needs.prep.outputs.v }}", count: 2, oses: "[\"${{ inputs.os }}\", \"mac\"]", label: "run-${{ inputs.os }}" },
      secrets: { token: "${{ secrets.TOKEN }}" },
      outputs: { out: "${{ jobs.inner.outputs.o }}-${{ inputs.count }}" } },
    { id: "call/inner", local_id: "inner", name: "inner ${{ inputs.greeting }}", call: "call",
      if: "success() && (inputs.count == 2 && inputs.greeting == 'hello')", outputs: { o: "${{ steps.o.outputs.o }}" } },
    { id: "call/matrix", local_id: "matrix", name: "matrix", call: "call", legs: 2,
      strategy: { matrix: { os: "${{ fromJSON(inputs.oses) }}" } } },
    { id: "call/skipme", local_id: "skipme", name: "skipme", call: "call", if: "success() && (inputs.count == 7)" },
    { id: "after", needs: ["call"], if: "success() && (needs.call.outputs.out == 'hello-2')" },
  ], extra);
}

const CALL_SCENARIO = { jobs: { prep: { outputs: { v: "hello" } }, "lib / inner hello": { outputs: { o: "hello" } } } };
const CALL_MEMBERS = ["call/inner", "call/matrix", "call/skipme"];

/** Checks the outcome of `callPlan` and the dispatch requests of its members. */
function checkCallRun(result, provider) {
  assert.equal(result.conclusion, "success");
  assert.deepEqual(conclusions(result), {
    prep: "success", top: "success", "lib / inner hello": "success", "lib / matrix (linux)": "success",
    "lib / matrix (mac)": "success", "lib / skipme": "skipped", after: "success",
  });
  const sent = Object.fromEntries(provider.log.dispatched.map((d) => [d.name, d]));
  const inputs = { greeting: "hello", count: 2, oses: "[\"linux\", \"mac\"]", label: "run-linux" };
  for (const name of ["lib / inner hello", "lib / matrix (linux)", "lib / matrix (mac)"]) {
    assert.deepEqual(sent[name].inputs, inputs, `${name}: the callee's inputs`);
    assert.deepEqual(sent[name].call_secrets, [{ token: "${{ secrets.TOKEN }}" }], `${name}: the call's secrets`);
  }
  assert.equal(sent.top.inputs, undefined, "a job outside any call gets no callee inputs");
  assert.equal(sent.top.call_secrets, undefined);
}

test("a call's members see its with: as inputs (needs outputs, the run's inputs), not the run's inputs", async () => {
  const { result, provider } = await runPlan(callPlan(), CALL_SCENARIO, { inputs: RUN_INPUTS });
  checkCallRun(result, provider);
});

test("a call run as a child execution: the evaluated inputs reach it through its input and survive replay", async () => {
  const driver = onePerWake({ direct: true, inputs: RUN_INPUTS });
  let out;
  try {
    out = await runPlan(callPlan({ partitions: [{ id: "lib", kind: "call", jobs: CALL_MEMBERS }] }), CALL_SCENARIO, driver.options);
  } finally {
    driver.stop();
  }
  assert.deepEqual([...out.invocations.partitions], ["lib"], "the call's members ran in their own execution");
  assert.ok(driver.released >= 4, "completions arrived one per wake, each wake replaying the history");
  checkCallRun(out.result, out.provider);
});

/** Nested calls: `outer` (secrets: inherit) calls `deeper`, whose `with:` reads outer's inputs. */
function nestedPlan(extra = {}) {
  return plan([
    { id: "outer", name: "outer", uses: "./.github/workflows/nested.yml", with: { level: "${{ inputs.level }}" }, secrets: "inherit",
      outputs: { seen: "${{ inputs.level }}" } },
    { id: "outer/deeper", local_id: "deeper", name: "deeper", uses: "./.github/workflows/lib.yml", call: "outer",
      with: { greeting: "${{ inputs.level }}-inner", count: 3 }, secrets: { token: "${{ secrets.TOKEN }}" } },
    { id: "outer/deeper/inner", local_id: "inner", name: "inner", call: "outer/deeper", if: "success() && (inputs.count == 2)" },
    { id: "outer/deeper/echo", local_id: "echo", name: "echo", call: "outer/deeper", if: "success() && (inputs.greeting == 'outer-inner')" },
    { id: "outer/own", local_id: "own", name: "own ${{ inputs.level }}", call: "outer", if: "success() && (inputs.level == 'outer')" },
    { id: "after", needs: ["outer"], if: "success() && (needs.outer.outputs.seen == 'outer')" },
  ], extra);
}

function checkNestedRun(result, provider) {
  assert.deepEqual(conclusions(result), {
    "outer / deeper / inner": "skipped", "outer / deeper / echo": "success", "outer / own outer": "success", after: "success",
  });
  const sent = Object.fromEntries(provider.log.dispatched.map((d) => [d.name, d]));
  assert.deepEqual(sent["outer / deeper / echo"].inputs, { greeting: "outer-inner", count: 3 });
  assert.deepEqual(sent["outer / deeper / echo"].call_secrets, ["inherit", { token: "${{ secrets.TOKEN }}" }], "outermost first");
  assert.deepEqual(sent["outer / own outer"].inputs, { level: "outer" });
  assert.deepEqual(sent["outer / own outer"].call_secrets, ["inherit"]);
}

for (const [label, partitions] of [
  ["in one execution", []],
  ["with the outer call's members in a child execution", [{ id: "p1", kind: "call", jobs: ["outer/deeper", "outer/deeper/inner", "outer/deeper/echo", "outer/own"] }]],
  ["with only the inner call's members in a child execution", [{ id: "p1", kind: "call", jobs: ["outer/deeper/inner", "outer/deeper/echo"] }]],
]) {
  test(`nested calls ${label}: the inner call's with: reads the outer call's inputs; names and call secrets nest`, async () => {
    const { result, provider, invocations } = await runPlan(nestedPlan({ partitions }), {},
      { inputs: { level: "outer", count: 2, greeting: "outer-inner-not" }, direct: partitions.length > 0 });
    checkNestedRun(result, provider);
    assert.equal(invocations.partitions.size, partitions.length);
  });
}

test("a leg of a caller-side matrix (a call node with one instance) evaluates its with: with the leg's matrix", async () => {
  const leg = (os) => ({ id: `call.${os}`, local_id: "call", name: `call (${os})`, uses: "./lib.yml", needs: ["p"],
    instances: [{ id: `call.${os}`, name: `call (${os})`, matrix: { os }, config_id: os }],
    with: { os: "${{ matrix.os }}-${{ needs.p.outputs.o }}" } });
  const member = (os) => ({ id: `call.${os}/b`, local_id: "b", name: "b", call: `call.${os}`, if: "success() && (inputs.os == 'linux-1')" });
  const p = plan([{ id: "p" }, leg("linux"), member("linux"), leg("mac"), member("mac")]);
  const { result, provider } = await runPlan(p, { jobs: { p: { outputs: { o: "1" } } } });
  assert.deepEqual(conclusions(result), { p: "success", "call (linux) / b": "success", "call (mac) / b": "skipped" });
  assert.deepEqual(provider.log.dispatched.find((d) => d.job === "call.linux/b").inputs, { os: "linux-1" });
});

/** A call whose `with:` cannot be evaluated (fromJSON of a need's output that is not JSON). */
function badInputPlan(extra = {}) {
  return plan([
    { id: "prep", outputs: { v: "${{ steps.s.outputs.v }}" } },
    { id: "call", name: "lib", uses: "./lib.yml", needs: ["prep"], with: { conf: "${{ fromJSON(needs.prep.outputs.v) }}" } },
    { id: "call/build", local_id: "build", name: "build", call: "call", if: "always()" },
    { id: "after", needs: ["call"] },
    { id: "always", needs: ["call"], if: "always() && needs.call.result == 'failure'" },
  ], extra);
}

for (const [label, partitions] of [["", []], [" (members in a child execution)", [{ id: "lib", kind: "call", jobs: ["call/build"] }]]]) {
  test(`a call whose with: fails to evaluate fails; its members and default dependents are skipped${label}`, async () => {
    const { result, provider, invocations } = await runPlan(badInputPlan({ partitions }), { jobs: { prep: { outputs: { v: "not json" } } } },
      { direct: partitions.length > 0 });
    assert.deepEqual(conclusions(result), { prep: "success", lib: "failure", "lib / build": "skipped", after: "skipped", always: "success" });
    assert.equal(result.conclusion, "failure", "the call's own failure fails the run");
    assert.deepEqual(provider.log.dispatched.map((d) => d.name).sort(), ["always", "prep"]);
    assert.equal(invocations.partitions.size, 0, "no child execution starts for the call");
  });
}

test("the plan reader refuses a call whose with: or secrets: has the wrong shape", () => {
  const call = (fields) => plan([{ id: "c", uses: "./lib.yml", ...fields }, { id: "c/j", call: "c" }]);
  assert.throws(() => readPlan(call({ with: ["x"] })), (e) => e instanceof PlanError && /"c" has a "with" that is not an object/.test(e.message));
  assert.throws(() => readPlan(call({ secrets: "all" })), (e) => e instanceof PlanError && /neither "inherit" nor an object/.test(e.message));
  const w = readPlan(call({ with: { a: 1 }, secrets: "inherit" })).workflows[0];
  assert.deepEqual(w.jobs[0].with, { a: 1 });
  assert.equal(w.jobs[0].secrets, "inherit");
  assert.deepEqual(readPlan(call({})).workflows[0].jobs[0].with, {}, "a call without with: has no inputs");
});
