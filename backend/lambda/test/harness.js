// Test harness: runs plans on the local durable runner with the fake compute provider and an in-memory control store.
import { LocalDurableTestRunner } from "@aws/durable-execution-sdk-js-testing";
import { makeRunHandler } from "../src/run.js";
import { runWorkflow } from "../src/workflow.js";
import { withDurableExecution } from "@aws/durable-execution-sdk-js";
import { apiCallbackSender } from "../src/callbacks.js";
import { fakeProvider } from "../src/providers.js";
import { MemoryControlStore } from "../src/control_store.js";
import { readPlan, partitionWorkflow } from "../src/plan.js";

export { LocalDurableTestRunner, withDurableExecution };

export const realSetTimeout = globalThis.setTimeout;
export const realSetImmediate = globalThis.setImmediate;
export const realSetInterval = globalThis.setInterval;
export const realClearInterval = globalThis.clearInterval;
export const realNow = Date.now.bind(Date);
export const sleep = (ms) => new Promise((r) => realSetTimeout(r, ms));

let setUp = false;
/**
 * Sets up the local runner once per test file, without `skipTime`. With `skipTime: true` the
 * runner installs @sinonjs/fake-timers (setTimeout, setImmediate, setInterval, Date) in the test
 * process; node:test queues part of its reporting on those timers, and uninstalling the clock in
 * `teardown` drops what is still queued, so the file's last results were never reported and the
 * process exited 0 with tests missing. Nothing here needs fake time: the loop has no durable
 * `wait`, callback timeouts are real timers in the checkpoint worker, the fake provider uses
 * real timers.
 */
export async function setup() {
  if (setUp) return;
  setUp = true;
  await LocalDurableTestRunner.setupTestEnvironment({ skipTime: false });
}
export async function teardown() {
  if (!setUp) return;
  setUp = false;
  await LocalDurableTestRunner.teardownTestEnvironment();
}

/** A sender that completes callbacks through the local runner. */
export function localSender() {
  return apiCallbackSender(LocalDurableTestRunner.createDurableApi());
}

/**
 * Runs a plan end to end (Run -> Workflow executions -> partitions).
 * @param {object} plan @param {object} scenario
 * @param {{mode?: "timer"|"manual", store?: object, runId?: string, onStart?: (env) => void}} [opts]
 */
export async function runPlan(plan, scenario = {}, opts = {}) {
  const sender = localSender();
  const provider = opts.provider ?? fakeProvider({ scenario, sender, mode: opts.mode ?? "timer", setTimer: realSetTimeout });
  const store = opts.store ?? new MemoryControlStore();
  /** Workflow-function invocations, and the partitions that ran as child executions. */
  const invocations = { count: 0, ended: 0, partitions: new Set() };
  const deps = { provider, store, sender, workflowFunction: "workflow", opBudget: opts.opBudget };
  const wfHandler = withDurableExecution(async (event, ctx) => {
    if (event?.partition) invocations.partitions.add(event.partition);
    return runWorkflow(event, ctx, deps);
  });
  const counted = async (ev, lctx) => {
    invocations.count++;
    opts.onInvocationStart?.();
    try { return await wfHandler(ev, lctx); } finally { invocations.ended++; opts.onInvocationEnd?.(); }
  };
  // The local runner cannot resolve `invoke` targets from inside an invoked execution, so plans
  // with child executions start at the Workflow function (the Run function's only work is the
  // plan step and one invoke per workflow).
  const top = opts.direct ? counted
    : makeRunHandler(async () => deps);
  const runner = new LocalDurableTestRunner({ handlerFunction: top });
  runner.registerDurableFunction("workflow", counted);
  const env = { provider, store, sender, runner, invocations };
  opts.onStart?.(env);
  const run = { id: opts.runId ?? "r1", github: opts.github ?? { ref: "refs/heads/main", event_name: "push" },
    ...(opts.inputs ? { inputs: opts.inputs } : {}) };
  let payload = { run, plan };
  if (opts.direct) {
    const w = readPlan(plan).workflows[0];
    partitionWorkflow(w, opts.opBudget ?? 3000);
    payload = { run, workflow: w };
  }
  // The local runner's worker does not keep the process alive on its own.
  const keepAlive = realSetInterval(() => {}, 1000);
  let execution;
  try {
    execution = await runner.run({ payload });
  } finally {
    realClearInterval(keepAlive);
  }
  let result = execution.getResult();
  if (opts.direct && result) {
    result = { run: run.id, conclusion: result.conclusion, operations: 0,
      workflows: [{ id: result.workflow, conclusion: result.conclusion, operations: result.operations, children: result.children }],
      jobs: result.jobs };
  }
  if (execution.getStatus() !== "SUCCEEDED") {
    throw new Error(`run ${execution.getStatus()}: ${JSON.stringify(execution.getError?.() ?? null)}`);
  }
  return { result, execution, provider, store, invocations, operations: execution.getOperations() };
}

/** job display name -> conclusion. */
export function conclusions(result) {
  return Object.fromEntries(result.jobs.map((j) => [j.name, j.conclusion]));
}

/**
 * Options for `runPlan` that deliver job reports one per wake: a report is sent only when no
 * Workflow invocation is running (the execution is suspended), one per suspension, so each
 * completion costs a fresh invocation that replays the history. A slow poll covers an end that
 * raced with the runner's own bookkeeping. `driver.released` counts the reports sent; call
 * `driver.stop()` when the run is over.
 */
export function onePerWake(extra = {}) {
  const driver = { env: null, released: 0, lastEnded: -1 };
  const tryRelease = () => {
    const env = driver.env;
    if (!env || env.invocations.count !== env.invocations.ended) return;
    if (env.invocations.ended === driver.lastEnded || env.provider.queued === 0) return;
    driver.lastEnded = env.invocations.ended;
    driver.released++;
    env.provider.releaseNext();
  };
  const poll = realSetInterval(tryRelease, 250);
  driver.stop = () => realClearInterval(poll);
  driver.options = {
    ...extra, mode: "manual",
    onStart: (e) => { driver.env = e; extra.onStart?.(e); },
    onInvocationEnd: () => realSetImmediate(tryRelease),
  };
  return driver;
}
