// Executes one batch of side effects of a workflow execution inside a single durable step.
/**
 * \file
 * One step per wake does everything the scheduler decided: register control callbacks, release
 * concurrency groups (waking the next waiter), cancel jobs, acquire groups, dispatch jobs. Errors
 * of one item are recorded in the result (the job then fails with reason "dispatch") rather than
 * failing the step, so a flaky provider cannot wedge the workflow. A step may run more than once
 * (at-least-once), so every effect is idempotent per callback id.
 */

/**
 * @param {object} batch  the scheduler's effects, with `callbackId` filled in for each job
 * @param {object} deps   {provider, store, sender, tokenSecret}
 * @param {{runId: string, executionKey: string, run: object}} who
 */
export async function executeEffects(batch, deps, who) {
  const { provider, store, sender } = deps;
  const out = { dispatched: {}, acquired: {}, cancelled: [] };
  // Holders are per run: two runs of one workflow compete for a group with different keys.
  const holder = (instance) => `${who.runId}/${who.executionKey}/${instance}`;

  if (batch.register) {
    await store.registerControl(who.runId, who.executionKey, batch.register);
  }
  for (const r of batch.release) {
    const next = await store.release(r.groupKey, holder(r.instance));
    if (next) await sender.success(next.callbackId, JSON.stringify({ granted: true, group: r.group }));
  }
  for (const c of batch.cancel) {
    try {
      await provider.cancel(c.handle, c.reason);
      out.cancelled.push(c.instance);
    } catch (e) {
      out.cancelled.push(c.instance);
    }
  }
  const dispatch = async (d) => {
    const token = deps.tokenSecret ? deps.makeToken(deps.tokenSecret, d.callbackId) : undefined;
    let last;
    for (let i = 0; i < 2; i++) {
      try {
        return { handle: await provider.dispatch({ ...d, token, run: who.run }) };
      } catch (e) { last = e; }
    }
    return { error: String(last?.message ?? last) };
  };
  for (const a of batch.acquire) {
    const entry = { holderKey: holder(a.instance), callbackId: a.callbackId, runId: who.runId };
    const res = await store.acquire(a.groupKey, entry, { cancelInProgress: a.cancelInProgress, queue: a.queue });
    for (const d of res.displaced) {
      if (d.kind === "pending") await sender.success(d.callbackId, JSON.stringify({ cancelled: true, group: a.group }));
      else await sender.failure(d.callbackId, { message: `cancelled: concurrency group ${a.group} has a newer run`, type: "Cancelled" });
    }
    if (res.granted) {
      const d = await dispatch(a.request);
      out.acquired[a.instance] = { granted: true, ...d };
    } else {
      out.acquired[a.instance] = { granted: false, rejected: !!res.rejected };
    }
  }
  for (const d of batch.dispatch) {
    if (d.group) await store.updateHolder(d.group.groupKey, holder(d.instance), d.callbackId);
    out.dispatched[d.instance] = await dispatch(d);
  }
  return out;
}
