// The deterministic job scheduler of one workflow execution: GitHub's job semantics (gha-semantics §2-4) as a state machine.
/**
 * \file
 * The scheduler holds no I/O and no clock. The durable loop (workflow.js) feeds it events
 * (a job callback settled, a child execution finished, cancel, retry, concurrency wake) and asks
 * it what to do next (`advance()`): callbacks to create, child executions to invoke, and one
 * batch of side effects (dispatch, cancel, acquire/release concurrency groups, register control
 * callbacks) for a single step. Because every input it sees comes from a journaled operation,
 * replaying the same events yields the same decisions and the same operation sequence.
 *
 * Semantics: default `if: success()` over all ancestors (skipped ancestors make it false),
 * `failure()` over ancestors, `cancelled()`, `always()`; skipped propagation; job
 * `continue-on-error` (needs.X.result = success); matrices (literal, pre-expanded, or symbolic and
 * expanded when ready); fail-fast cancelling running and queued sibling legs; max-parallel; job
 * timeouts (callback timeouts, conclusion cancelled); matrix output merging; reusable-workflow
 * calls gating their members; run cancellation (§3.5); retry of failed jobs while others run.
 *
 * Reusable calls (§5): when a call is entered its `with:` is evaluated over the caller's contexts
 * (needs outputs, the caller's inputs: the run's, or the enclosing call's); the result is the
 * `inputs` context of its members (their `if`, matrix, names, dispatch) and of the call's
 * `outputs`. An evaluation error fails the call and skips its members. A child execution that
 * runs members of a call entered by its parent receives the evaluated inputs in its input
 * (`external.calls`), so it never evaluates them again.
 */
import { evaluateCondition, evaluateTemplate, isTemplate } from "./expressions.js";
import { expandMatrix, legName, strategyContext, MatrixError } from "./matrix.js";
import { ancestorSets } from "./plan.js";

/** @typedef {"success"|"failure"|"cancelled"|"skipped"} Conclusion */

const TERMINAL = "done";

export class WorkflowScheduler {
  /**
   * @param {object} workflow  a normalized workflow (plan.js)
   * @param {object} opts
   * @param {{github?: object, inputs?: object, vars?: object, id?: string}} opts.run
   * @param {Set<string>|null} [opts.members]  job ids this execution runs (null: all but partitions)
   * @param {Record<string, {result: Conclusion, conclusion?: Conclusion, outputs?: object}>} [opts.external]
   *        results of jobs outside this execution (ancestors of a child execution's jobs)
   * @param {boolean} [opts.cancelled]  the run was already cancelled
   * @param {string} [opts.partition]  id of the partition this child execution runs
   * @param {Record<string, object>} [opts.callInputs]  evaluated inputs of the calls entered by the
   *        parent whose members run here (call id -> inputs)
   */
  constructor(workflow, opts) {
    this.workflow = workflow;
    this.run = opts.run ?? {};
    this.partitionId = opts.partition ?? null;
    this.cancelled = !!opts.cancelled;
    this.byId = new Map(workflow.jobs.map((j) => [j.id, j]));
    this.ancestors = ancestorSets(workflow.jobs);
    const inPartition = new Map();
    if (!opts.members) for (const p of workflow.partitions) for (const id of p.jobs) inPartition.set(id, p.id);
    /** @type {Map<string, any>} job id -> job state */
    this.jobs = new Map();
    for (const j of workflow.jobs) {
      const ext = opts.external?.[j.id];
      const member = opts.members ? opts.members.has(j.id) : !inPartition.has(j.id);
      const st = { def: j, status: "pending", result: null, conclusion: null, reason: null, outputs: {},
        instances: [], member, partition: inPartition.get(j.id) ?? null, entered: false, strategy: null };
      if (!member && ext) Object.assign(st, { status: TERMINAL, result: ext.result, conclusion: ext.conclusion ?? ext.result, outputs: ext.outputs ?? {} });
      else if (!member && !inPartition.has(j.id)) {
        // A call whose members run here but whose gate was decided by the parent.
        st.status = j.uses ? "active" : TERMINAL;
        st.entered = true;
        if (!j.uses) Object.assign(st, { result: "success", conclusion: "success" });
        else st.inputs = opts.callInputs?.[j.id] ?? {};
      }
      this.jobs.set(j.id, st);
    }
    /** @type {Map<string, any>} instance id -> instance */
    this.instances = new Map();
    /** @type {Map<string, {status: string, def: object}>} */
    this.partitions = new Map();
    if (!opts.members) for (const p of workflow.partitions) this.partitions.set(p.id, { status: "pending", def: p, result: null });
    this.attempts = new Map();
    this.retrySeq = 0;
    this.pending = { callbacks: [], invokes: [], effects: emptyEffects() };
    this.controlArmed = false;
    this.outstanding = new Set();
  }

  // ---- contexts and status functions ----

  /**
   * Base contexts of expressions (github, inputs, vars). With `job`, `inputs` is what that job
   * sees: its call's evaluated `with:` for a member of a reusable call, else the run's inputs.
   */
  baseContexts(job = null) {
    return { github: this.run.github ?? {}, inputs: this.inputsFor(job), vars: this.run.vars ?? {} };
  }

  /** The `inputs` context of `job` (null: the run's). */
  inputsFor(job) {
    if (job?.call) return this.jobs.get(job.call).inputs ?? {};
    return this.run.inputs ?? {};
  }

  /** The calls enclosing `job`, innermost first. */
  callChain(job) {
    const out = [];
    for (let c = job.call; c; c = this.byId.get(c).call) out.push(this.byId.get(c));
    return out;
  }

  /** The `needs` context of a job: its direct needs by their local names. */
  needsContext(job) {
    const out = {};
    for (const n of job.needs) {
      const st = this.jobs.get(n);
      const key = job.needs_as[n] ?? st.def.local_id;
      out[key] = { result: st.result ?? "", outputs: st.outputs ?? {} };
    }
    return out;
  }

  /** Status functions of a job, transitive over its ancestors (§3.1). */
  statusFunctions(job) {
    const anc = [...this.ancestors.get(job.id)];
    const resultOf = (id) => this.jobs.get(id);
    const pick = (ids) => {
      if (!ids.length) return anc;
      const want = new Set(ids.map((s) => s.toLowerCase()));
      return anc.filter((a) => want.has(this.byId.get(a).local_id.toLowerCase()) || want.has(a.toLowerCase()));
    };
    return {
      success: (...ids) => !this.cancelled && pick(ids).every((a) => {
        const st = resultOf(a);
        return st.def.uses && st.status !== TERMINAL ? true : st.result === "success";
      }),
      failure: (...ids) => pick(ids).some((a) => resultOf(a).result === "failure"),
      cancelled: () => this.cancelled,
    };
  }

  /** Evaluates a job's `if`; an evaluation error counts as false with reason "condition". */
  jobCondition(job) {
    try {
      return evaluateCondition(job.if, { ...this.baseContexts(job), needs: this.needsContext(job) }, this.statusFunctions(job));
    } catch {
      return false;
    }
  }

  // ---- readiness ----

  /** True when every need (and the call gate) of `job` is settled. */
  depsSettled(job) {
    for (const n of job.needs) if (this.jobs.get(n).status !== TERMINAL) return false;
    if (job.call) {
      const gate = this.jobs.get(job.call);
      if (!gate.entered && gate.status !== TERMINAL) return false;
    }
    return true;
  }

  /** Marks a job (and, for a call, its members) skipped. */
  skipJob(st, reason) {
    st.status = TERMINAL;
    st.result = st.conclusion = "skipped";
    st.reason = reason;
    if (st.def.uses) {
      for (const m of this.jobs.values()) if (m.def.call === st.def.id && m.status !== TERMINAL) this.skipJob(m, reason);
    }
  }

  /** Why a job whose `if` is false is skipped: a failed/skipped ancestor, or the condition itself. */
  skipReason(job) {
    const bad = [...this.ancestors.get(job.id)].some((a) => {
      const r = this.jobs.get(a).result;
      return r && r !== "success";
    });
    return bad || this.cancelled ? "needs" : "condition";
  }

  /** Starts a ready job: evaluates `if`, expands its matrix, queues its instances. */
  enterJob(st) {
    const job = st.def;
    const callSkipped = job.call && this.jobs.get(job.call).status === TERMINAL && this.jobs.get(job.call).result === "skipped";
    if (callSkipped) return this.skipJob(st, "needs");
    if (!this.jobCondition(job)) return this.skipJob(st, this.skipReason(job));
    if (job.uses) return this.enterCall(st);
    st.status = "active";
    const ctx = { ...this.baseContexts(job), needs: this.needsContext(job) };
    let legs;
    try {
      legs = this.legsOf(job, ctx);
    } catch (e) {
      st.status = TERMINAL;
      st.result = st.conclusion = "failure";
      st.reason = "matrix";
      st.error = String(e.message ?? e);
      return;
    }
    const failFast = job.strategy ? !!evaluateTemplate(job.strategy.fail_fast, ctx) : false;
    const maxParallel = job.strategy?.max_parallel != null ? Number(evaluateTemplate(job.strategy.max_parallel, ctx)) : null;
    st.strategy = { failFast, maxParallel };
    legs.forEach((leg, i) => {
      const strategy = strategyContext(failFast, maxParallel, i, legs.length);
      const attemptKey = leg.id;
      const attempt = (this.attempts.get(attemptKey) ?? 0) + 1;
      this.attempts.set(attemptKey, attempt);
      const inst = { id: leg.id, job: job.id, name: leg.name, matrix: leg.matrix, strategy, attempt,
        status: "queued", conclusion: null, result: null, reason: null, outputs: {}, key: null, handle: null,
        coe: false, group: null, timeoutMinutes: 360 };
      const legCtx = { ...ctx, matrix: leg.matrix ?? {}, strategy };
      try {
        inst.coe = evaluateTemplate(job.continue_on_error, legCtx) === true;
        inst.timeoutMinutes = Number(evaluateTemplate(job.timeout_minutes, legCtx)) || 360;
        if (job.concurrency) {
          const group = String(evaluateTemplate(job.concurrency.group, legCtx));
          const cip = evaluateTemplate(job.concurrency.cancel_in_progress, legCtx) === true;
          inst.group = { name: group, key: group.toLowerCase(), cancelInProgress: cip, queue: job.concurrency.queue };
        }
      } catch (e) {
        inst.status = TERMINAL;
        inst.conclusion = inst.result = "failure";
        inst.reason = "expression";
        inst.error = String(e.message ?? e);
      }
      st.instances.push(inst);
      this.instances.set(inst.id, inst);
    });
    this.settleJobIfDone(st);
  }

  /**
   * Enters a call whose `if` is true: its `with:` evaluated over the caller's contexts becomes
   * its members' `inputs` (the compiler has filled in the callee's defaults). A leg of a
   * caller-side matrix is its own call node with one instance, whose `matrix` the `with:` sees.
   * When an input cannot be evaluated the call fails and its members are skipped.
   */
  enterCall(st) {
    const job = st.def;
    const leg = job.instances?.length === 1 ? job.instances[0] : null;
    const ctx = { ...this.baseContexts(job), needs: this.needsContext(job), ...(leg?.matrix ? { matrix: leg.matrix } : {}) };
    const inputs = {};
    for (const [name, tpl] of Object.entries(job.with ?? {})) {
      try {
        inputs[name] = evaluateTemplate(tpl, ctx);
      } catch (e) {
        Object.assign(st, { status: TERMINAL, result: "failure", conclusion: "failure", reason: null,
          error: `with.${name}: ${String(e.message ?? e)}`, inputs: {} });
        for (const m of this.jobs.values()) if (m.def.call === job.id && m.status !== TERMINAL) this.skipJob(m, "needs");
        return;
      }
    }
    Object.assign(st, { status: "active", entered: true, inputs });
  }

  /** The legs of a job: pre-expanded instances, or its matrix expanded now, or one default leg. */
  legsOf(job, ctx) {
    if (job.instances) return job.instances.map((i) => ({ id: i.id, name: i.name, matrix: i.matrix }));
    if (!job.strategy?.matrix) {
      const name = isTemplate(job.name) ? String(evaluateTemplate(job.name, ctx)) : job.name;
      return [{ id: job.id, name: this.displayName(job, name), matrix: null }];
    }
    const matrix = evaluateTemplate(job.strategy.matrix, ctx);
    const legs = expandMatrix(matrix, job.name);
    return legs.map((l) => {
      let name = l.name;
      if (isTemplate(job.name)) name = String(evaluateTemplate(job.name, { ...ctx, matrix: l.matrix }));
      return { id: `${job.id}.${l.config_id}`, name: this.displayName(job, name), matrix: l.matrix };
    });
  }

  /** Prefixes a reusable-workflow member's name with its callers' (`caller / callee`, `outer / inner / callee`). */
  displayName(job, name) {
    let out = name;
    for (const caller of this.callChain(job)) out = `${caller.name} / ${out}`;
    return out;
  }

  // ---- the decision step ----

  /**
   * Decides everything that can be decided now. Returns the work for the durable loop:
   * `callbacks` to create (in order), `invokes` (child executions), and one `effects` batch for
   * a single step (empty batches need no step).
   */
  advance() {
    let changed = true;
    while (changed) {
      changed = false;
      for (const st of this.jobs.values()) {
        if (st.member && st.status === "pending" && this.depsSettled(st.def)) { this.enterJob(st); changed = true; }
        if (st.def.uses && st.status === "active" && st.member !== false) changed = this.settleCall(st) || changed;
      }
      for (const p of this.partitions.values()) {
        if (p.status !== "pending") continue;
        // Every job was skipped here (a skipped call, or one whose inputs failed): nothing to run.
        if (p.def.jobs.every((id) => this.jobs.get(id).status === TERMINAL)) { p.status = TERMINAL; changed = true; continue; }
        // A member waits for its external needs to end; a member of a call waits for the call to be
        // entered (its own needs ended). A `uses` job among the needs ends with its called jobs.
        const ready = p.def.jobs.every((id) => {
          const j = this.byId.get(id);
          const needsEnded = j.needs.filter((n) => !p.def.jobs.includes(n)).every((n) => this.jobs.get(n).status === TERMINAL);
          if (!needsEnded || !j.call || p.def.jobs.includes(j.call)) return needsEnded;
          const call = this.jobs.get(j.call);
          return call.status === TERMINAL || call.entered;
        });
        if (!ready) continue;
        // A call skipped, or failed before its members could start (its inputs), skips them here.
        const gate = p.def.kind === "call" ? this.jobs.get(this.byId.get(p.def.jobs[0]).call) : null;
        if (gate && gate.status === TERMINAL && (gate.result === "skipped" || !gate.entered)) {
          for (const id of p.def.jobs) this.skipJob(this.jobs.get(id), "needs");
          p.status = TERMINAL;
          changed = true;
          continue;
        }
        p.status = "running";
        const key = `part:${p.def.id}`;
        this.pending.invokes.push({ key, partition: p.def.id, external: this.externalFor(p.def.jobs) });
        this.outstanding.add(key);
        changed = true;
      }
      changed = this.startQueued() || changed;
    }
    this.pending.callbacks.unshift(...this.armControl());
    const out = this.pending;
    this.pending = { callbacks: [], invokes: [], effects: emptyEffects() };
    return out;
  }

  /** The control callbacks (cancel, retry) to create once, first; they are registered by the next effects step. */
  armControl() {
    if (this.controlArmed) return [];
    this.controlArmed = true;
    this.outstanding.add("cancel");
    this.outstanding.add(`retry:${this.retrySeq}`);
    this.pending.effects.register = true;
    return [{ key: "cancel", control: true }, { key: `retry:${this.retrySeq}`, control: true }];
  }

  /**
   * The input of a child execution running `memberIds`: results of all jobs outside them that are
   * ancestors of a member, and the evaluated inputs of the entered calls outside them that enclose
   * a member (the child never evaluates a `with:` its parent evaluated).
   */
  externalFor(memberIds) {
    const members = new Set(memberIds);
    const ext = {};
    const calls = {};
    for (const id of memberIds) {
      const j = this.byId.get(id);
      const deps = new Set(this.ancestors.get(id));
      if (j.call) deps.add(j.call);
      for (const a of deps) {
        if (members.has(a)) continue;
        const st = this.jobs.get(a);
        if (st.status === TERMINAL) ext[a] = { result: st.result, conclusion: st.conclusion, outputs: st.outputs };
      }
      for (const c of this.callChain(j)) {
        const st = this.jobs.get(c.id);
        if (!members.has(c.id) && st.entered) calls[c.id] = st.inputs ?? {};
      }
    }
    return { jobs: ext, calls, cancelled: this.cancelled };
  }

  /** Queued instances start when max-parallel allows (and the run is not cancelled for them). */
  startQueued() {
    let changed = false;
    for (const st of this.jobs.values()) {
      if (st.status !== "active" || st.def.uses) continue;
      const limit = st.strategy?.maxParallel;
      let busy = st.instances.filter((i) => i.status !== "queued" && i.status !== TERMINAL).length;
      for (const inst of st.instances) {
        if (inst.status !== "queued") continue;
        if (limit != null && busy >= limit) break;
        busy++;
        this.startInstance(inst);
        changed = true;
      }
    }
    return changed;
  }

  /** Requests a callback and a dispatch (after acquiring the concurrency group, if any). */
  startInstance(inst) {
    inst.key = `job:${inst.id}:${inst.attempt}${inst.wakeCount ? `:${inst.wakeCount}` : ""}`;
    this.pending.callbacks.push({ key: inst.key, timeoutSeconds: inst.timeoutMinutes * 60 });
    this.outstanding.add(inst.key);
    if (inst.group && !inst.holdsGroup) {
      inst.status = "acquiring";
      this.pending.effects.acquire.push({ instance: inst.id, key: inst.key, group: inst.group.name, groupKey: inst.group.key,
        cancelInProgress: inst.group.cancelInProgress, queue: inst.group.queue, request: this.dispatchRequest(inst) });
    } else {
      inst.status = "starting";
      this.pending.effects.dispatch.push(this.dispatchRequest(inst));
    }
  }

  /**
   * What the compute provider receives for one instance (the callback id is added by the loop).
   * A member of a reusable call also gets the callee's `inputs` and `call_secrets`: the `secrets:`
   * of each enclosing call, outermost first ("inherit" or secret name -> template over the
   * caller's `secrets`), for the provider, which alone holds the run's secrets, to map them.
   */
  dispatchRequest(inst) {
    const job = this.byId.get(inst.job);
    const req = {
      instance: inst.id, key: inst.key, job: job.id, name: inst.name, attempt: inst.attempt,
      matrix: inst.matrix, strategy: inst.strategy, needs: this.needsContext(job),
      timeout_minutes: inst.timeoutMinutes, continue_on_error: inst.coe,
      outputs: job.outputs, spec: job.spec, env: this.workflow.env,
      group: inst.holdsGroup ? { group: inst.group.name, groupKey: inst.group.key } : null,
    };
    if (job.call) {
      req.inputs = this.inputsFor(job);
      req.call_secrets = this.callChain(job).reverse().map((c) => c.secrets ?? {});
    }
    return req;
  }

  /** Settles a reusable call once all its members are terminal: aggregate result and outputs. */
  settleCall(st) {
    const members = [...this.jobs.values()].filter((m) => m.def.call === st.def.id);
    if (members.some((m) => m.status !== TERMINAL)) return false;
    const results = members.map((m) => m.result);
    st.status = TERMINAL;
    st.result = st.conclusion = results.includes("failure") ? "failure" : results.includes("cancelled") ? "cancelled"
      : results.length && results.every((r) => r === "skipped") ? "skipped" : "success";
    const jobsCtx = {};
    for (const m of members) jobsCtx[m.def.local_id] = { result: m.result, outputs: m.outputs };
    try {
      const ctx = { ...this.baseContexts(), inputs: st.inputs ?? {}, jobs: jobsCtx };
      st.outputs = dropEmpty(evaluateTemplate(st.def.outputs ?? {}, ctx));
    } catch { st.outputs = {}; }
    return true;
  }

  /** Finishes a job once all its instances are terminal (§3.2 aggregate, §3.3 merged outputs). */
  settleJobIfDone(st) {
    if (st.status !== "active" || st.instances.some((i) => i.status !== TERMINAL)) return;
    st.status = TERMINAL;
    const results = st.instances.map((i) => i.result);
    st.result = results.includes("failure") ? "failure" : results.includes("cancelled") ? "cancelled" : "success";
    const raw = st.instances.map((i) => i.conclusion);
    st.conclusion = raw.includes("failure") ? "failure" : raw.includes("cancelled") ? "cancelled" : "success";
    const merged = {};
    for (const inst of [...st.instances].sort((a, b) => (a.finishedSeq ?? 0) - (b.finishedSeq ?? 0))) {
      for (const [k, v] of Object.entries(inst.outputs ?? {})) if (v !== "" && v != null) merged[k] = String(v);
    }
    st.outputs = merged;
  }

  // ---- events ----

  /** Ends an instance. `reason` is null for a normal finish. */
  finishInstance(inst, conclusion, reason, outputs = {}) {
    if (inst.status === TERMINAL) return;
    const wasHolding = inst.holdsGroup || inst.status === "waiting";
    const wasRunning = inst.status === "running" || inst.status === "starting";
    inst.status = TERMINAL;
    inst.conclusion = conclusion;
    inst.result = conclusion === "failure" && inst.coe ? "success" : conclusion;
    inst.reason = reason;
    inst.outputs = dropEmpty(outputs);
    inst.finishedSeq = (this.finishSeq = (this.finishSeq ?? 0) + 1);
    if (inst.key) this.outstanding.delete(inst.key);
    if (wasRunning && reason && reason !== "dispatch" && !inst.reported) {
      this.pending.effects.cancel.push({ instance: inst.id, handle: inst.handle, reason });
    }
    if (wasHolding && inst.group) {
      this.pending.effects.release.push({ instance: inst.id, group: inst.group.name, groupKey: inst.group.key, key: inst.key });
      inst.holdsGroup = false;
    }
    const st = this.jobs.get(inst.job);
    if (conclusion === "failure" && !inst.coe && st.strategy?.failFast && st.instances.length > 1) {
      for (const sib of st.instances) if (sib !== inst && sib.status !== TERMINAL) this.finishInstance(sib, "cancelled", "fail-fast");
    }
    this.settleJobIfDone(st);
  }

  /**
   * Applies one settled outstanding operation.
   * @param {string} key  the outstanding key (job:..., part:..., cancel, retry:N)
   * @param {{ok: boolean, value?: any, error?: {name?: string, message?: string}}} r
   */
  onEvent(key, r) {
    this.outstanding.delete(key);
    if (key === "cancel") return this.cancelRun();
    if (key.startsWith("retry:")) {
      this.retrySeq++;
      const next = `retry:${this.retrySeq}`;
      this.pending.callbacks.push({ key: next, control: true });
      this.outstanding.add(next);
      this.pending.effects.register = true;
      if (r.ok) this.retry(parseJson(r.value));
      return;
    }
    if (key.startsWith("part:")) return this.finishPartition(key.slice(5), r);
    if (key.startsWith("job:")) {
      const inst = [...this.instances.values()].find((i) => i.key === key);
      if (!inst || inst.status === TERMINAL) return;
      if (inst.status === "waiting") return this.onWake(inst, r);
      if (!r.ok) {
        const timeout = /timeout|timed out/i.test(`${r.error?.name} ${r.error?.message}`);
        if (timeout) return this.finishInstance(inst, "cancelled", "timeout");
        const cancelled = /^cancel/i.test(r.error?.message ?? "");
        const reason = /concurrency/i.test(r.error?.message ?? "") ? "concurrency" : cancelled ? "cancel-request" : null;
        return this.finishInstance(inst, cancelled ? "cancelled" : "failure", reason);
      }
      const v = parseJson(r.value) ?? {};
      const conclusion = ["success", "failure", "cancelled"].includes(v.conclusion) ? v.conclusion : "failure";
      inst.reported = true;
      return this.finishInstance(inst, conclusion, conclusion === "cancelled" ? (v.reason ?? "cancel-request") : null, v.outputs ?? {});
    }
  }

  /** A concurrency wake on the callback an instance waits with: granted, or replaced (cancelled). */
  onWake(inst, r) {
    const v = r.ok ? parseJson(r.value) ?? {} : {};
    if (r.ok && v.granted) {
      inst.holdsGroup = true;
      inst.wakeCount = (inst.wakeCount ?? 0) + 1;
      inst.status = "queued";
      return this.startInstance(inst);
    }
    if (!r.ok) {
      // The wait outlived the callback's timeout: wait again on a fresh callback.
      inst.wakeCount = (inst.wakeCount ?? 0) + 1;
      inst.status = "queued";
      return this.startInstance(inst);
    }
    inst.status = "running";
    this.finishInstance(inst, "cancelled", "concurrency");
  }

  /** Applies the recorded result of the effects step. */
  applyEffects(res) {
    for (const [id, d] of Object.entries(res.dispatched ?? {})) {
      const inst = this.instances.get(id);
      if (!inst || inst.status === TERMINAL) continue;
      if (d.error) { inst.status = "running"; this.finishInstance(inst, "failure", "dispatch"); inst.error = d.error; continue; }
      inst.status = "running";
      inst.handle = d.handle ?? null;
    }
    for (const [id, a] of Object.entries(res.acquired ?? {})) {
      const inst = this.instances.get(id);
      if (!inst || inst.status === TERMINAL) continue;
      if (a.rejected) { inst.status = "running"; this.finishInstance(inst, "cancelled", "concurrency"); continue; }
      if (a.granted) {
        inst.holdsGroup = true;
        if (a.error) { inst.status = "running"; this.finishInstance(inst, "failure", "dispatch"); continue; }
        inst.status = "running";
        inst.handle = a.handle ?? null;
      } else {
        inst.status = "waiting";
      }
    }
  }

  /** Cancels the run (§3.5): running and queued instances whose `if` is now false are cancelled. */
  cancelRun() {
    if (this.cancelled) return;
    this.cancelled = true;
    for (const st of this.jobs.values()) {
      if (st.status !== "active" || st.def.uses) continue;
      if (this.jobCondition(st.def)) continue;
      for (const inst of st.instances) if (inst.status !== TERMINAL) this.finishInstance(inst, "cancelled", "cancel-request");
    }
  }

  /** Re-runs the failed or cancelled instances of one job (by id, local id, name or instance id), or all failed jobs. */
  retry(req) {
    if (this.cancelled || !req) return;
    const target = typeof req === "string" ? req : req.job;
    const all = !target || req.failed === true;
    const lower = (s) => String(s).toLowerCase();
    const hits = [...this.jobs.values()].filter((st) => st.member && !st.def.uses && st.status === TERMINAL &&
      (st.result === "failure" || st.result === "cancelled" || st.instances.some((i) => i.conclusion === "failure")) &&
      (all || [st.def.id, st.def.local_id, st.def.name].map(lower).includes(lower(target)) ||
        st.instances.some((i) => lower(i.id) === lower(target) || lower(i.name) === lower(target))));
    if (!hits.length) return;
    const reset = new Set();
    for (const st of hits) {
      for (const inst of st.instances) {
        if (inst.conclusion === "success") continue;
        inst.attempt = (this.attempts.get(inst.id) ?? inst.attempt) + 1;
        this.attempts.set(inst.id, inst.attempt);
        Object.assign(inst, { status: "queued", conclusion: null, result: null, reason: null, outputs: {}, key: null, handle: null, holdsGroup: false, wakeCount: 0 });
      }
      st.status = "active";
      st.result = st.conclusion = null;
      if (st.reason === "matrix") { st.status = "pending"; st.instances = []; }
      reset.add(st.def.id);
    }
    // Dependents that already settled are decided again.
    for (const st of this.jobs.values()) {
      if (!st.member || st.status !== TERMINAL) continue;
      if (![...this.ancestors.get(st.def.id)].some((a) => reset.has(a))) continue;
      if (st.instances.some((i) => i.status !== TERMINAL)) continue;
      Object.assign(st, { status: "pending", result: null, conclusion: null, reason: null, outputs: {}, instances: [], entered: false });
    }
  }

  /** A child execution finished: adopt its job results (or fail its jobs when it failed). */
  finishPartition(pid, r) {
    const p = this.partitions.get(pid);
    if (!p || p.status === TERMINAL) return;
    p.status = TERMINAL;
    const res = r.ok ? parseJson(r.value) : null;
    for (const id of p.def.jobs) {
      const st = this.jobs.get(id);
      const jr = res?.results?.[id];
      if (jr) Object.assign(st, { status: TERMINAL, result: jr.result, conclusion: jr.conclusion, reason: jr.reason ?? null, outputs: jr.outputs ?? {}, reportInstances: jr.instances ?? [] });
      else Object.assign(st, { status: TERMINAL, result: "failure", conclusion: "failure", reason: "partition", outputs: {} });
    }
    p.result = res;
    if (res?.operations != null) p.operations = res.operations;
  }

  // ---- outcome ----

  /** True when every job of this execution is terminal. */
  get done() {
    for (const st of this.jobs.values()) if ((st.member || st.partition) && st.status !== TERMINAL) return false;
    for (const p of this.partitions.values()) if (p.status !== TERMINAL) return false;
    return true;
  }

  /** Instances or skipped jobs as ci-exec reports them. */
  report() {
    const jobs = [];
    for (const st of this.jobs.values()) {
      if ((st.def.uses && !st.error) || (!st.member && !st.partition)) continue;
      if (st.reportInstances?.length) { jobs.push(...st.reportInstances); continue; }
      if (st.instances.length === 0) {
        const name = isTemplate(st.def.name) ? st.def.id : this.displayName(st.def, st.def.name);
        jobs.push({ id: st.def.id, job: st.def.id, name, conclusion: st.conclusion ?? "skipped", reason: st.reason, outputs: st.outputs, attempt: 1 });
        continue;
      }
      for (const i of st.instances) {
        jobs.push({ id: i.id, job: i.job, name: i.name, conclusion: i.conclusion, reason: i.reason, outputs: i.outputs, attempt: i.attempt });
      }
    }
    return jobs;
  }

  /** Job-level results (for a parent execution or a `needs` consumer). */
  jobResults(ids) {
    const out = {};
    for (const id of ids) {
      const st = this.jobs.get(id);
      out[id] = { result: st.result, conclusion: st.conclusion, reason: st.reason, outputs: st.outputs,
        instances: this.report().filter((r) => r.job === id) };
    }
    return out;
  }

  /**
   * Workflow conclusion (gha-semantics §3.7, with the timeout rule of docs/lambda.md):
   * `cancelled` when the run was cancelled (cancel request, or replaced in its workflow-level
   * concurrency group); else `failure` when a job's result is failure (a leg or job that failed
   * without continue-on-error, a matrix that could not be expanded, a failed child execution) or
   * a leg timed out without continue-on-error; else `success`. Skipped jobs, legs cancelled by
   * fail-fast, and legs cancelled by their job-level concurrency group do not change it.
   */
  conclusion() {
    if (this.cancelled) return "cancelled";
    for (const st of this.jobs.values()) {
      if (st.def.uses && !st.error) continue; // a call fails through its members, or on its own `with:`
      if (st.result === "failure") return "failure";
      if (st.instances.some((i) => i.reason === "timeout" && !i.coe)) return "failure";
    }
    for (const p of this.partitions.values()) if (p.result?.conclusion === "failure") return "failure";
    return "success";
  }
}

function emptyEffects() {
  return { dispatch: [], cancel: [], acquire: [], release: [], register: false };
}

/** True when an effects batch has nothing to do. */
export function effectsEmpty(e) {
  return !e.dispatch.length && !e.cancel.length && !e.acquire.length && !e.release.length && !e.register;
}

function dropEmpty(outputs) {
  const out = {};
  for (const [k, v] of Object.entries(outputs ?? {})) if (v !== "" && v != null) out[k] = typeof v === "string" ? v : JSON.stringify(v);
  return out;
}

function parseJson(v) {
  if (typeof v !== "string") return v;
  try { return JSON.parse(v); } catch { return v; }
}

export { MatrixError, legName };
