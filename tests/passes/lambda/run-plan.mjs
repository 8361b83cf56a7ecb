// Reads a plan written by `ci-compile --emit=plan` with the Lambda package's reader
// (backend/lambda/src/plan.js) and, when the package's dependencies are installed,
// drives its scheduler with every job instance succeeding. Prints one JSON line:
// {"jobs": N, "estimate": ops, "dispatched": [instance names], "skipped": [job ids], "conclusion"}.
//
// usage: node run-plan.mjs PLAN.json [--scheduler]
import { readFileSync } from "node:fs";
import { readPlan, partitionWorkflow } from "../../../backend/lambda/src/plan.js";

const [file, mode] = process.argv.slice(2);
const plan = readPlan(JSON.parse(readFileSync(file, "utf8")));
const wf = plan.workflows[0];
partitionWorkflow(wf, plan.op_budget);
const out = { jobs: wf.jobs.length, estimate: wf.estimate.operations, partitions: wf.partitions.length };
if (mode === "--scheduler") {
  const { WorkflowScheduler } = await import("../../../backend/lambda/src/scheduler.js");
  const sched = new WorkflowScheduler(wf, { run: { id: "r1", github: { ref: "refs/heads/main", event_name: "push" } } });
  const dispatched = [];
  for (let wake = 0; wake < 100000; wake++) {
    const step = sched.advance();
    const started = step.effects.dispatch.map((d) => d.instance);
    for (const d of step.effects.dispatch) dispatched.push(d.name);
    sched.applyEffects({ dispatched: Object.fromEntries(started.map((id) => [id, {}])) });
    const keys = step.callbacks.filter((c) => !c.control && c.key.startsWith("job:")).map((c) => c.key);
    if (keys.length === 0) break;
    for (const k of keys) sched.onEvent(k, { ok: true, value: JSON.stringify({ conclusion: "success" }) });
  }
  out.dispatched = dispatched;
  out.skipped = sched.report().filter((r) => r.conclusion === "skipped").map((r) => r.id);
  out.conclusion = sched.conclusion();
}
process.stdout.write(JSON.stringify(out) + "\n");
