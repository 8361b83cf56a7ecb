// The Workflow durable function: the orchestration loop of one workflow (or one partition of it).
/**
 * \file
 * Per wake the loop costs at most one `wait` (a child context that returns every outstanding
 * operation that has settled by then) and at most one `effects` step; each job instance costs one
 * callback created directly in the workflow context. State is never loaded: it is rebuilt by
 * replaying the recorded wait results into the deterministic scheduler. Child executions
 * (partitions) are `invoke` operations waited on like callbacks.
 *
 * Operation names are the scheduler's keys (`job:<instance>:<attempt>`, `cancel`, `retry:N`,
 * `part:<id>`), `effects`, `wait` and `finish`, in a fixed order, so replay matches.
 */
import { withDurableExecution } from "@aws/durable-execution-sdk-js";
import { normalizeWorkflow } from "./plan.js";
import { WorkflowScheduler, effectsEmpty } from "./scheduler.js";
import { executeEffects } from "./effects.js";
import { makeToken } from "./callbacks.js";
import { evaluateTemplate } from "./expressions.js";

/** Microtask turns a wait gives other settled operations to be seen in the same wake. */
const SETTLE_TURNS = 32;

/** Wraps a durable context so every operation it creates is counted (`ctx.operations`). */
export function countingContext(ctx) {
  const counted = { operations: 0 };
  const wrap = (name) => (...args) => { counted.operations++; return ctx[name](...args); };
  counted.step = wrap("step");
  counted.createCallback = wrap("createCallback");
  counted.runInChildContext = wrap("runInChildContext");
  counted.invoke = wrap("invoke");
  counted.raw = ctx;
  return counted;
}

/** Turns a durable promise into one that never rejects: `{ok, value}` or `{ok: false, error}`. */
function settle(p) {
  return p.then((value) => ({ ok: true, value }), (e) => ({ ok: false, error: { name: e?.name, message: String(e?.message ?? e) } }));
}

/**
 * Waits until at least one of `entries` settles, then returns the keys of all that have settled
 * (in entry order). Recorded as one child-context operation.
 *
 * It must never give the event loop a turn once an entry has settled: the SDK suspends an
 * invocation 20 ms after it last saw no operation executing and some callback still pending
 * (CHECKPOINT_TERMINATION_COOLDOWN_MS), and a macrotask turn (setImmediate, setTimeout) lets that
 * timer fire on a loaded machine. The invocation then ends PENDING although the completion it
 * was replaying is already recorded, so nothing ever wakes it again. Microtask turns cannot
 * let a timer run; they are enough for completions that are already known to settle.
 */
async function waitForAny(ctx, entries) {
  return ctx.runInChildContext("wait", async () => {
    await Promise.race(entries.map(([, e]) => e.settled));
    for (let i = 0; i < SETTLE_TURNS; i++) await null;
    return entries.filter(([, e]) => e.done).map(([k]) => k);
  });
}

/**
 * Runs one workflow execution. @param {object} event
 *   {run: {id, github, inputs, vars}, workflow, partition?, external?: {jobs, calls, cancelled}}
 * @param {object} rawCtx the durable context @param {object} deps {provider, store, sender, tokenSecret, workflowFunction}
 */
export async function runWorkflow(event, rawCtx, deps) {
  const ctx = countingContext(rawCtx);
  const wf = normalizeWorkflow(event.workflow);
  const partition = event.partition ?? null;
  const members = partition ? new Set(wf.partitions.find((p) => p.id === partition)?.jobs ?? []) : null;
  const runId = String(event.run?.id ?? "local");
  const executionKey = partition ? `${wf.id}/${partition}` : wf.id;
  const sched = new WorkflowScheduler(wf, { run: event.run ?? {}, members, partition,
    external: event.external?.jobs, callInputs: event.external?.calls, cancelled: event.external?.cancelled });
  const who = { runId, executionKey, run: { id: runId, workflow: wf.id, github: event.run?.github ?? {} } };
  const effectDeps = { ...deps, makeToken };
  /** @type {Map<string, {callbackId?: string, settled: Promise<any>, done: boolean, result?: any}>} */
  const live = new Map();
  const track = (key, promise, callbackId) => {
    const e = { callbackId, done: false };
    e.settled = settle(promise).then((r) => { e.done = true; e.result = r; return r; });
    live.set(key, e);
  };

  let work = null;
  let groupHeld = false;
  let group = null;
  // Workflow-level concurrency: hold the group (or wait for it) before any job starts.
  if (!partition && wf.concurrency) {
    const name = String(evaluateTemplate(wf.concurrency.group, sched.baseContexts()));
    group = { name, groupKey: name.toLowerCase(), holderKey: `${runId}/${executionKey}#wf` };
    await createCallbacks(ctx, sched.armControl(), track);
    const [wakeP, wakeId] = await ctx.createCallback("workflow-group");
    track("workflow-group", wakeP, wakeId);
    const acq = await ctx.step("acquire-group", async () => {
      const entry = { holderKey: group.holderKey, callbackId: live.get("cancel").callbackId, runId };
      const res = await deps.store.acquire(group.groupKey, { ...entry, wakeCallbackId: wakeId }, { cancelInProgress: wf.concurrency.cancel_in_progress === true, queue: wf.concurrency.queue });
      for (const d of res.displaced) {
        if (d.kind === "pending") await deps.sender.success(d.wakeCallbackId ?? d.callbackId, JSON.stringify({ cancelled: true, group: name }));
        else await deps.sender.failure(d.callbackId, { message: `cancelled: concurrency group ${name} has a newer run`, type: "Cancelled" });
      }
      return { granted: res.granted, rejected: !!res.rejected };
    });
    groupHeld = acq.granted;
    if (!acq.granted) {
      let outcome = acq.rejected ? { cancelled: true } : null;
      while (!outcome) {
        const keys = await waitForAny(ctx, [["workflow-group", live.get("workflow-group")], ["cancel", live.get("cancel")]]);
        if (keys.includes("cancel")) { outcome = { cancelled: true }; break; }
        const r = live.get("workflow-group").result;
        const v = r.ok ? safeJson(r.value) : {};
        outcome = v?.granted ? { granted: true } : { cancelled: true };
      }
      if (outcome.cancelled) return finishCancelled(ctx, sched, deps, who, wf, partition);
      groupHeld = true;
    }
  }
  work = sched.advance();

  for (;;) {
    if (work.callbacks.length || work.invokes.length || !effectsEmpty(work.effects)) {
      await createCallbacks(ctx, work.callbacks, track);
      for (const inv of work.invokes) {
        const input = { run: event.run, workflow: event.workflow, partition: inv.partition, external: inv.external };
        track(inv.key, ctx.invoke(inv.key, deps.workflowFunction, input));
      }
      if (!effectsEmpty(work.effects)) {
        const batch = fillCallbackIds(work.effects, live, sched);
        const res = await ctx.step("effects", () => executeEffects(batch, effectDeps, who));
        sched.applyEffects(res);
      }
      work = sched.advance();
      continue;
    }
    if (sched.done) break;
    const entries = [...sched.outstanding].filter((k) => live.has(k)).map((k) => [k, live.get(k)]);
    if (!entries.length) throw new Error(`workflow ${wf.id}: nothing to wait for but not done`);
    if (process.env.CI_LAMBDA_DEBUG) console.error("wait on", entries.map(([k]) => k));
    const keys = await waitForAny(ctx, entries);
    if (process.env.CI_LAMBDA_DEBUG) console.error("woke", keys);
    for (const k of keys) {
      const r = await live.get(k).settled;
      live.delete(k);
      sched.onEvent(k, r);
    }
    work = sched.advance();
    if (process.env.CI_LAMBDA_DEBUG) console.error("work", JSON.stringify(work).slice(0, 300), sched.done);
  }
  if (process.env.CI_LAMBDA_DEBUG) console.error("finishing");

  await ctx.step("finish", async () => {
    await deps.store.unregisterControl(runId, executionKey);
    if (groupHeld) {
      const next = await deps.store.release(group.groupKey, group.holderKey);
      if (next) await deps.sender.success(next.wakeCallbackId ?? next.callbackId, JSON.stringify({ granted: true }));
    }
    return true;
  });
  return outcome(sched, wf, partition, members, ctx.operations);
}


/** Creates callbacks in order without awaiting each one (one checkpoint round trip for all). */
async function createCallbacks(ctx, callbacks, track) {
  const created = callbacks.map((c) => ctx.createCallback(c.key, c.timeoutSeconds ? { timeout: { seconds: Math.max(1, Math.round(c.timeoutSeconds)) } } : undefined));
  const results = await Promise.all(created);
  callbacks.forEach((c, i) => track(c.key, results[i][0], results[i][1]));
}

/** Copies the effects batch, filling in the callback id of each job and of the control callbacks. */
function fillCallbackIds(effects, live, sched) {
  const id = (key) => live.get(key)?.callbackId;
  const jobs = [...new Set(sched.workflow.jobs.filter((j) => sched.jobs.get(j.id).member).map((j) => j.id))];
  return {
    register: effects.register ? { cancel: id("cancel"), retry: id(`retry:${sched.retrySeq}`), jobs } : null,
    release: effects.release,
    cancel: effects.cancel,
    acquire: effects.acquire.map((a) => ({ ...a, callbackId: id(a.key), request: { ...a.request, callbackId: id(a.key) } })),
    dispatch: effects.dispatch.map((d) => ({ ...d, callbackId: id(d.key) })),
  };
}

/** The execution's result: conclusion, ci-exec style job list, job results for a parent. */
function outcome(sched, wf, partition, members, operations) {
  const ids = members ? [...members] : wf.jobs.map((j) => j.id);
  return {
    workflow: wf.id, partition, conclusion: sched.conclusion(), jobs: sched.report(),
    results: partition ? sched.jobResults(ids) : undefined,
    operations,
    children: [...sched.partitions.values()].map((p) => ({ id: p.def.id, operations: p.operations ?? null, estimate: p.def.estimate })),
  };
}

/** A run replaced in its concurrency group before it started: every job is cancelled. */
async function finishCancelled(ctx, sched, deps, who, wf, partition) {
  await ctx.step("finish", async () => { await deps.store.unregisterControl(who.runId, who.executionKey); return true; });
  sched.cancelled = true;
  for (const st of sched.jobs.values()) if (st.status !== "done") Object.assign(st, { status: "done", result: "cancelled", conclusion: "cancelled", reason: "concurrency" });
  return outcome(sched, wf, partition, null, ctx.operations);
}

function safeJson(v) {
  if (typeof v !== "string") return v;
  try { return JSON.parse(v); } catch { return null; }
}

/** The Workflow handler, with its dependencies (provider, store, sender...) from `getDeps()`. */
export function makeWorkflowHandler(getDeps) {
  return withDurableExecution(async (event, ctx) => runWorkflow(event, ctx, await getDeps()));
}
