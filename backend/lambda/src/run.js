// The Run durable function: loads the plan, invokes one Workflow execution per workflow, waits for all.
import { withDurableExecution } from "@aws/durable-execution-sdk-js";
import { readPlan, partitionWorkflow, overBudget, PlanError } from "./plan.js";
import { countingContext } from "./workflow.js";

/**
 * Runs one CI run. @param {object} event  the SQS message body:
 *   {run: {id, github, inputs, vars}, plan?: object, plan_ref?: string}
 * @param {object} rawCtx @param {{workflowFunction: string, loadPlan?: (ref: string) => Promise<object>,
 *   opBudget?: number}} deps
 */
export async function runRun(event, rawCtx, deps) {
  const ctx = countingContext(rawCtx);
  const plan = await ctx.step("load-plan", async () => {
    const raw = event.plan ?? (event.plan_ref && deps.loadPlan ? await deps.loadPlan(event.plan_ref) : null);
    if (!raw) throw new Error("run message has neither \"plan\" nor a loadable \"plan_ref\"");
    const p = readPlan(raw);
    const budget = deps.opBudget ?? p.op_budget;
    for (const w of p.workflows) partitionWorkflow(w, budget);
    return p;
  });
  // Refused outside the step: a plan over budget fails the same way on every retry.
  const over = plan.workflows.flatMap(overBudget);
  if (over.length) throw new PlanError(over.join("\n"));
  const run = { ...(plan.run ?? {}), ...(event.run ?? {}) };
  const calls = plan.workflows.map((w) => ctx.invoke(`workflow:${w.id}`, deps.workflowFunction, { run, workflow: w }));
  ctx.operations++;
  const results = await rawCtx.promise.all("workflows", calls);
  const conclusions = results.map((r) => r.conclusion);
  const conclusion = conclusions.includes("cancelled") ? "cancelled" : conclusions.includes("failure") ? "failure" : "success";
  return {
    run: run.id ?? null, conclusion,
    workflows: results.map((r) => ({ id: r.workflow, conclusion: r.conclusion, operations: r.operations, children: r.children })),
    jobs: results.flatMap((r) => r.jobs.map((j) => ({ ...j, workflow: r.workflow }))),
    operations: ctx.operations,
  };
}

/** The Run handler with its dependencies from `getDeps()`. */
export function makeRunHandler(getDeps) {
  return withDurableExecution(async (event, ctx) => runRun(event, ctx, await getDeps()));
}
