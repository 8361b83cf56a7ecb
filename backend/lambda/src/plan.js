// Reads and checks a Lambda plan (docs/lambda-plan.md), estimates durable operations and partitions workflows over budget.
/**
 * \file
 * A plan is versioned JSON. The reader accepts version 1, ignores fields it does not know
 * (newer minor additions), and normalizes each job so the scheduler sees one shape: `needs` as
 * plan job ids, `needs_as` for the name each need has in the `needs` context, matrices either
 * pre-expanded (`instances`) or symbolic (`strategy.matrix` as a template).
 *
 * The operation model (see docs/lambda.md) is an upper bound for a run in which every job
 * succeeds, every completion wakes the execution on its own and no concurrency group makes
 * anything wait. passes/operation_budget.cpp implements the same estimate and partitioning for
 * `ci-compile --emit=lambda-plan`; tests/passes/operation_budget_test.cpp requires both to agree
 * on generated plans, so change them together:
 *   fixed 4 (cancel and retry callbacks, the first effects step, the finish step)
 *   + 2 with a workflow-level concurrency group (its wake callback, the acquire step)
 *   + 2 per job instance (its callback, the wait that sees it finish)
 *   + 1 per later dispatch wave (see estimateExecution)
 *   + 1 per instance with a job-level concurrency group (the step that releases the group)
 *   + 2 per child execution (invoke, the wait that sees it finish).
 */

/** The plan format version this package reads. */
export const PLAN_VERSION = 1;
/** Default operation budget per durable execution. */
export const DEFAULT_OP_BUDGET = 3000;
/** Upper bound of legs assumed for a symbolic matrix without `legs`. */
export const DEFAULT_SYMBOLIC_LEGS = 256;

/** A plan that cannot be run; the message names the field. */
export class PlanError extends Error {
  constructor(message) { super(message); this.name = "PlanError"; }
}

const ID_RE = /^[A-Za-z0-9_][A-Za-z0-9_.\/-]*$/;

/** Normalizes one job definition. @param {object} j @param {string} where */
function normalizeJob(j, where) {
  if (!j || typeof j.id !== "string" || !ID_RE.test(j.id)) throw new PlanError(`${where}: job id ${JSON.stringify(j?.id)} is missing or invalid`);
  const needs = [];
  const needsAs = { ...(j.needs_as ?? {}) };
  for (const n of j.needs ?? []) {
    const id = typeof n === "string" ? n : n?.id;
    if (typeof id !== "string") throw new PlanError(`${where}: job "${j.id}" has an invalid needs entry ${JSON.stringify(n)}`);
    needs.push(id);
    if (typeof n === "object" && n.as) needsAs[id] = n.as;
  }
  if (j.uses && j.with != null && (typeof j.with !== "object" || Array.isArray(j.with))) {
    throw new PlanError(`${where}: job "${j.id}" has a "with" that is not an object`);
  }
  if (j.uses && j.secrets != null && j.secrets !== "inherit" && (typeof j.secrets !== "object" || Array.isArray(j.secrets))) {
    throw new PlanError(`${where}: job "${j.id}" has "secrets" that are neither "inherit" nor an object`);
  }
  const strategy = j.strategy ? {
    fail_fast: j.strategy.fail_fast ?? true,
    max_parallel: j.strategy.max_parallel ?? null,
    matrix: j.strategy.matrix ?? null,
  } : null;
  const instances = Array.isArray(j.instances) ? j.instances.map((inst, i) => ({
    id: inst.id ?? `${j.id}.${inst.config_id ?? i}`,
    name: inst.name ?? j.name ?? j.id,
    matrix: inst.matrix ?? null,
    config_id: inst.config_id ?? "__default",
  })) : null;
  return {
    id: j.id,
    local_id: j.local_id ?? j.id,
    name: j.name ?? j.local_id ?? j.id,
    needs,
    needs_as: needsAs,
    if: typeof j.if === "string" && j.if.trim() !== "" ? j.if : "success()",
    continue_on_error: j.continue_on_error ?? false,
    timeout_minutes: j.timeout_minutes ?? 360,
    strategy,
    instances,
    legs: j.legs ?? (instances?.length ? instances.length : strategy?.matrix ? DEFAULT_SYMBOLIC_LEGS : 1),
    concurrency: normalizeConcurrency(j.concurrency),
    outputs: j.outputs ?? {},
    uses: j.uses ?? null,
    with: j.uses ? j.with ?? {} : {},
    secrets: j.uses ? j.secrets ?? {} : null,
    call: j.call ?? null,
    spec: j.spec ?? {},
  };
}

/** Normalizes a concurrency value (string or object) or returns null. */
function normalizeConcurrency(c) {
  if (c === undefined || c === null) return null;
  if (typeof c === "string") return { group: c, cancel_in_progress: false, queue: "single" };
  return { group: c.group, cancel_in_progress: c.cancel_in_progress ?? false, queue: c.queue ?? "single" };
}

/** Checks ids, needs and cycles of one workflow; returns it normalized. */
export function normalizeWorkflow(w, where = "plan") {
  if (!w || typeof w.id !== "string" || !/^[A-Za-z0-9_-]{1,40}$/.test(w.id)) throw new PlanError(`${where}: workflow id ${JSON.stringify(w?.id)} is missing or invalid (1-40 of [A-Za-z0-9_-])`);
  const at = `${where}: workflow "${w.id}"`;
  if (!Array.isArray(w.jobs) || w.jobs.length === 0) throw new PlanError(`${at} has no jobs`);
  const jobs = w.jobs.map((j) => normalizeJob(j, at));
  const byId = new Map();
  for (const j of jobs) {
    if (byId.has(j.id)) throw new PlanError(`${at}: duplicate job id "${j.id}"`);
    byId.set(j.id, j);
  }
  for (const j of jobs) {
    for (const n of j.needs) if (!byId.has(n)) throw new PlanError(`${at}: job "${j.id}" needs unknown job "${n}"`);
    if (j.call && !byId.get(j.call)?.uses) throw new PlanError(`${at}: job "${j.id}" is a member of "${j.call}", which is not a reusable-workflow call`);
  }
  // Cycle check (members also wait for their call's gate, dependents of a call for its members).
  const state = new Map();
  const visit = (id, path) => {
    if (state.get(id) === 2) return;
    if (state.get(id) === 1) throw new PlanError(`${at}: needs cycle ${[...path, id].join(" -> ")}`);
    state.set(id, 1);
    for (const n of byId.get(id).needs) visit(n, [...path, id]);
    state.set(id, 2);
  };
  for (const j of jobs) visit(j.id, []);
  const partitions = (w.partitions ?? []).map((p, i) => ({
    id: p.id ?? `p${i + 1}`, kind: p.kind ?? "stage", jobs: [...p.jobs], estimate: p.estimate ?? null,
  }));
  const inPartition = new Set();
  for (const p of partitions) for (const id of p.jobs) {
    if (!byId.has(id)) throw new PlanError(`${at}: partition "${p.id}" names unknown job "${id}"`);
    if (inPartition.has(id)) throw new PlanError(`${at}: job "${id}" is in two partitions`);
    inPartition.add(id);
  }
  return {
    id: w.id, path: w.path ?? null, name: w.name ?? w.id,
    concurrency: normalizeConcurrency(w.concurrency),
    env: w.env ?? {},
    jobs, partitions,
    estimate: w.estimate ?? null,
  };
}

/** Reads a plan object (already parsed JSON) and checks its version and structure. */
export function readPlan(plan) {
  if (!plan || typeof plan !== "object") throw new PlanError("plan: not a JSON object");
  const version = plan.version;
  if (!Number.isInteger(version)) throw new PlanError("plan: missing integer \"version\"");
  if (version > PLAN_VERSION) throw new PlanError(`plan: version ${version} is newer than this runtime (reads ${PLAN_VERSION}); upgrade the Lambda package`);
  if (!Array.isArray(plan.workflows)) throw new PlanError("plan: missing \"workflows\" array");
  const ids = new Set();
  const workflows = plan.workflows.map((w) => {
    const nw = normalizeWorkflow(w);
    if (ids.has(nw.id)) throw new PlanError(`plan: duplicate workflow id "${nw.id}"`);
    ids.add(nw.id);
    return nw;
  });
  return {
    version,
    op_budget: plan.op_budget ?? DEFAULT_OP_BUDGET,
    run: plan.run ?? {},
    workflows,
  };
}

/** Transitive ancestors of every job (needs, plus a member's call gate and its ancestors). */
export function ancestorSets(jobs) {
  const byId = new Map(jobs.map((j) => [j.id, j]));
  const memo = new Map();
  const get = (id) => {
    let s = memo.get(id);
    if (s) return s;
    s = new Set();
    memo.set(id, s);
    const j = byId.get(id);
    const direct = [...j.needs];
    if (j.call) direct.push(...byId.get(j.call).needs);
    for (const n of direct) {
      s.add(n);
      for (const a of get(n)) s.add(a);
    }
    return s;
  };
  for (const j of jobs) get(j.id);
  return memo;
}

/** Instances a job contributes to the estimate (calls contribute none themselves). */
const legCount = (j) => (j.uses ? 0 : j.legs);

/** Queued legs of `j` that wait for a max-parallel slot (a compile-time number; an expression counts as unlimited). */
function heldBack(j) {
  const p = typeof j.strategy?.max_parallel === "number" ? Math.floor(j.strategy.max_parallel) : NaN;
  return p < j.legs ? j.legs - Math.max(0, p) : 0;
}

/** Instances of `j` not dispatchable when the execution starts. */
function lateInstances(j, byId, members) {
  if (j.uses) return 0;
  let hasNeeds = j.needs.some((n) => members.has(n));
  if (j.call && members.has(j.call) && byId.get(j.call).needs.length) hasNeeds = true;
  return hasNeeds ? j.legs : heldBack(j);
}

/**
 * Operation estimate of one execution that runs `members` (job ids) and invokes `children`
 * child executions. @returns {number}
 *
 * Dispatch waves after the first come from completions. Jobs whose prerequisites in this
 * execution are the same set start in the same wave, so the waves that start jobs with needs are
 * at most the distinct prerequisite sets, and at most the jobs some member waits for (one wave
 * each, at their last leg); each leg that frees a max-parallel slot adds one. Never more than the
 * instances that start late.
 */
export function estimateExecution(workflow, members, children = 0, withWorkflowGroup = !!workflow.concurrency) {
  const byId = new Map(workflow.jobs.map((j) => [j.id, j]));
  const needed = new Set();
  for (const id of members) for (const n of byId.get(id).needs) needed.add(n);
  let ops = 4 + (withWorkflowGroup ? 2 : 0) + 2 * children;
  let late = 0;
  let unlockers = 0;
  let held = 0;
  const prerequisites = new Set();
  for (const id of members) {
    const j = byId.get(id);
    const n = legCount(j);
    if (n === 0) continue;
    ops += 2 * n + (j.concurrency ? n : 0);
    late += lateInstances(j, byId, members);
    if (needed.has(j.id) || (j.call && needed.has(j.call))) unlockers++;
    const key = prerequisiteKey(j, byId, members);
    if (key !== null) prerequisites.add(key);
    held += heldBack(j);
  }
  ops += Math.min(late, Math.min(unlockers, prerequisites.size) + held);
  return ops;
}

/** What `j` waits for in this execution (its needs there, its call's gate), or null for nothing. */
function prerequisiteKey(j, byId, members) {
  const ids = [...new Set(j.needs.filter((n) => members.has(n)))].sort();
  if (j.call && members.has(j.call) && byId.get(j.call).needs.length) ids.push(`call:${j.call}`);
  return ids.length ? JSON.stringify(ids) : null;
}

/**
 * Fills `estimate` and, when the workflow is over `budget`, `partitions`: reusable calls and
 * matrices first (each a child execution), then whole topological levels or chunks of one level,
 * largest first, until the parent fits. Every child fits the budget except a single matrix job or
 * reusable call larger than it (see `overBudget`).
 */
export function partitionWorkflow(workflow, budget = DEFAULT_OP_BUDGET) {
  const all = workflow.jobs.map((j) => j.id);
  const byId = new Map(workflow.jobs.map((j) => [j.id, j]));
  const total = estimateExecution(workflow, new Set(all));
  if (total <= budget && workflow.partitions.length === 0) {
    workflow.estimate = { operations: total, budget, executions: [{ id: "main", operations: total }] };
    return workflow;
  }
  const parts = [...workflow.partitions];
  const taken = new Set(parts.flatMap((p) => p.jobs));
  const parentMembers = () => new Set(all.filter((id) => !taken.has(id)));
  const parentCost = () => estimateExecution(workflow, parentMembers(), parts.length);
  const childCost = (jobs) => estimateExecution(workflow, new Set(jobs), 0, false);
  const add = (kind, jobs) => { parts.push({ id: `p${parts.length + 1}`, kind, jobs }); for (const id of jobs) taken.add(id); };

  // 1. Reusable calls, largest first.
  const calls = workflow.jobs.filter((j) => j.uses && !taken.has(j.id))
    .map((c) => ({ c, members: workflow.jobs.filter((m) => m.call === c.id).map((m) => m.id) }))
    .sort((a, b) => childCost(b.members) - childCost(a.members));
  for (const { members } of calls) {
    if (parentCost() <= budget) break;
    if (members.length && childCost(members) <= budget && !members.some((m) => taken.has(m))) add("call", members);
  }
  // 2. Matrices, largest first.
  const mats = workflow.jobs.filter((j) => !taken.has(j.id) && !j.uses && j.legs > 1).sort((a, b) => b.legs - a.legs);
  for (const j of mats) {
    if (parentCost() <= budget) break;
    add("matrix", [j.id]);
  }
  // 3. Topological levels of plain jobs (an antichain is always convex), chunked to fit.
  if (parentCost() > budget) {
    const level = new Map();
    const lv = (id) => {
      if (level.has(id)) return level.get(id);
      const j = byId.get(id);
      const deps = [...j.needs, ...(j.call ? [j.call] : [])];
      const l = deps.length ? 1 + Math.max(...deps.map(lv)) : 0;
      level.set(id, l);
      return l;
    };
    const levels = new Map();
    for (const id of all) {
      if (taken.has(id) || byId.get(id).uses || byId.get(id).call) continue;
      const l = lv(id);
      if (!levels.has(l)) levels.set(l, []);
      levels.get(l).push(id);
    }
    const ordered = [...levels.values()].sort((a, b) => childCost(b) - childCost(a));
    for (const ids of ordered) {
      if (parentCost() <= budget) break;
      let chunk = [];
      for (const id of ids) {
        if (chunk.length && childCost([...chunk, id]) > budget) { add("stage", chunk); chunk = []; }
        chunk.push(id);
      }
      if (chunk.length) add("stage", chunk);
    }
  }
  workflow.partitions = parts;
  for (const p of parts) p.estimate = childCost(p.jobs);
  const parent = parentCost();
  workflow.estimate = {
    operations: parent + parts.reduce((s, p) => s + p.estimate, 0), budget,
    executions: [{ id: "main", operations: parent }, ...parts.map((p) => ({ id: p.id, operations: p.estimate }))],
  };
  return workflow;
}

/**
 * The executions of a partitioned workflow still over its budget, as messages (empty when every
 * execution fits): a single matrix job or reusable call larger than the budget cannot be split,
 * and a parent with very many children pays 2 operations for each.
 * `ci-compile --emit=lambda-plan` reports the same as an `operation-budget` error.
 */
export function overBudget(workflow) {
  const e = workflow.estimate;
  if (!e) return [];
  return e.executions.filter((x) => x.operations > e.budget).map((x) =>
    `${x.id === "main" ? "the main execution" : `child execution ${x.id}`} of workflow "${workflow.id}" may need ` +
    `${x.operations} durable operations, over the budget of ${e.budget}; ` +
    (x.id === "main"
      ? `it waits for ${e.executions.length - 1} child executions (2 operations each) and cannot be split further`
      : "a single matrix job or reusable-workflow call this large cannot be split further"));
}
