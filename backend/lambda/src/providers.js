// Compute providers: the interface the orchestrator dispatches jobs through, AWS CodeBuild, and a scenario-driven fake.
/**
 * \file
 * A provider starts one job instance and returns a JSON handle; completion always comes back
 * later as a callback (through the Callback API with the job's token). `cancel(handle)` stops a
 * running job. Dispatch runs inside a durable step, so it may be retried: providers must be
 * idempotent per callback (CodeBuild gets an idempotency token derived from it).
 *
 * The fake provider plays the scenario format of `ci-exec --provider sim`:
 *   {"seed": 1, "default": {"conclusion": "success", "duration_ms": 0},
 *    "jobs": {"<display name or job id>": {"conclusion": "success|failure", "duration_ms": 120,
 *             "outputs": {"k": "v"}, "fail_attempts": 1}}}
 * A display name takes precedence over a job id; `fail_attempts: N` makes the first N attempts
 * fail; `"conclusion": "hang"` never reports (for timeout tests).
 */
import { createHash } from "node:crypto";
import { CodeBuildClient, StartBuildCommand, StopBuildCommand } from "@aws-sdk/client-codebuild";

/**
 * @typedef {object} DispatchRequest
 * @property {string} instance  instance id
 * @property {string} job       plan job id
 * @property {string} name      display name
 * @property {number} attempt
 * @property {string} callbackId  the durable callback this job completes
 * @property {string} [token]     the signed token for the Callback API
 * @property {object} spec        steps, runs_on, env... (opaque to the orchestrator)
 * @property {object} [inputs]    a member of a reusable call: the callee's `inputs` (the call's `with:`, evaluated)
 * @property {Array<"inherit"|Record<string, string>>} [call_secrets]  a member of a reusable call: the
 *           `secrets:` of each enclosing call, outermost first; the provider maps the run's secrets through them
 */

/**
 * @typedef {object} ComputeProvider
 * @property {(req: DispatchRequest) => Promise<object>} dispatch  returns a JSON handle
 * @property {(handle: object, reason: string) => Promise<void>} cancel
 */

/**
 * Runs jobs as AWS CodeBuild builds. The build receives the job as `CI_JOB` (JSON), the token as
 * `CI_CALLBACK_TOKEN` and the Callback API URL as `CI_CALLBACK_URL`; its buildspec runs the steps
 * and posts the result. @param {{projectName: string, callbackUrl: string, client?: CodeBuildClient,
 * imageForLabels?: (runsOn: any) => string|undefined}} opts @returns {ComputeProvider}
 */
export function codeBuildProvider({ projectName, callbackUrl, client = new CodeBuildClient({}), imageForLabels }) {
  return {
    async dispatch(req) {
      const job = { instance: req.instance, job: req.job, name: req.name, attempt: req.attempt, matrix: req.matrix,
        strategy: req.strategy, needs: req.needs, outputs: req.outputs, spec: req.spec, env: req.env,
        continue_on_error: req.continue_on_error, run: req.run,
        ...(req.call_secrets ? { inputs: req.inputs, call_secrets: req.call_secrets } : {}) };
      const image = imageForLabels?.(req.spec?.runs_on);
      const out = await client.send(new StartBuildCommand({
        projectName,
        idempotencyToken: createHash("sha256").update(req.callbackId).digest("hex").slice(0, 64),
        timeoutInMinutesOverride: Math.max(5, Math.min(2160, Math.ceil(req.timeout_minutes ?? 360))),
        environmentVariablesOverride: [
          { name: "CI_JOB", value: JSON.stringify(job), type: "PLAINTEXT" },
          { name: "CI_CALLBACK_TOKEN", value: req.token ?? "", type: "PLAINTEXT" },
          { name: "CI_CALLBACK_URL", value: callbackUrl, type: "PLAINTEXT" },
        ],
        ...(image ? { imageOverride: image } : {}),
      }));
      return { provider: "codebuild", build_id: out.build?.id ?? null };
    },
    async cancel(handle) {
      if (handle?.build_id) await client.send(new StopBuildCommand({ id: handle.build_id }));
    },
  };
}

/** Looks up the scenario entry of a job: display name first, then job id, then the default. */
export function scenarioFor(scenario, req) {
  const def = { conclusion: "success", duration_ms: 0, ...(scenario?.default ?? {}) };
  const jobs = scenario?.jobs ?? {};
  const hit = jobs[req.name] ?? jobs[req.instance] ?? jobs[req.job] ?? jobs[req.local_id ?? ""];
  return { ...def, ...(hit ?? {}) };
}

/**
 * A provider that completes jobs from a scenario, through a callback sender.
 * `mode: "timer"` reports after `duration_ms` (real timers); `mode: "manual"` queues reports until
 * `releaseNext()`/`releaseAll()` is called (to drive one completion per wake).
 * @param {{scenario: object, sender: import("./callbacks.js").CallbackSender, mode?: "timer"|"manual",
 *          setTimer?: typeof setTimeout}} opts
 */
export function fakeProvider({ scenario, sender, mode = "timer", setTimer = globalThis.setTimeout }) {
  const log = { dispatched: [], cancelled: [] };
  const queue = [];
  const timers = new Set();
  const report = async (req, entry) => {
    const failing = entry.fail_attempts && req.attempt <= entry.fail_attempts;
    const conclusion = failing ? "failure" : entry.conclusion;
    if (conclusion === "hang") return;
    log.reported = (log.reported ?? 0) + 1;
    await sender.success(req.callbackId, JSON.stringify({ conclusion, outputs: entry.outputs ?? {} }));
  };
  const provider = {
    log,
    async dispatch(req) {
      const entry = scenarioFor(scenario, req);
      log.dispatched.push({ instance: req.instance, name: req.name, attempt: req.attempt, job: req.job,
        ...(req.call_secrets ? { inputs: req.inputs, call_secrets: req.call_secrets } : {}) });
      const send = () => report(req, entry).catch((e) => { log.errors = [...(log.errors ?? []), String(e?.message ?? e)]; });
      if (mode === "manual") {
        if (entry.conclusion !== "hang" || entry.fail_attempts) queue.push(send);
      } else {
        const t = setTimer(() => { timers.delete(t); send(); }, entry.duration_ms ?? 0);
        timers.add(t);
      }
      return { provider: "fake", instance: req.instance, attempt: req.attempt };
    },
    async cancel(handle, reason) {
      log.cancelled.push({ instance: handle?.instance, reason });
    },
    /** Sends the oldest queued report; false when none is queued. */
    async releaseNext() {
      const f = queue.shift();
      if (!f) return false;
      await f();
      return true;
    },
    async releaseAll() { while (queue.length) await queue.shift()(); },
    get queued() { return queue.length; },
  };
  return provider;
}
