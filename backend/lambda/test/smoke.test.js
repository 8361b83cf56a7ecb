import { test, before, after } from "./declare.js";
import assert from "node:assert/strict";
import { setup, teardown, runPlan, conclusions } from "./harness.js";

before(setup);
after(teardown);

test("a two-job chain succeeds", async () => {
  const plan = { version: 1, workflows: [{ id: "ci", jobs: [{ id: "a" }, { id: "b", needs: ["a"] }] }] };
  const { result } = await runPlan(plan, {});
  assert.equal(result.conclusion, "success");
  assert.deepEqual(conclusions(result), { a: "success", b: "success" });
});
