// The straightforward durable loop the Lambda backend is measured against: load state, one child context per job, promise.any per wake.
/**
 * \file
 * Per wake: a `load-state` step (the results recorded in the store), then for each job that became
 * ready a child context holding its callback and a dispatch step, then one `promise.any` over the
 * outstanding children. With one completion per wake that is 5N+1 operations for N jobs, and the
 * local runner replays the whole history on every wake. Benchmark baseline only: it has none of
 * GitHub's job semantics beyond `needs`.
 */

/**
 * @param {object} withDurableExecution the SDK's wrapper
 * @param {{provider: object, results: Map<string, string>}} deps  the provider dispatches; the
 *        store `results` is written by whoever completes a job, before its callback is sent
 */
export function makeStraightforwardHandler(withDurableExecution, deps) {
  return withDurableExecution(async (event, ctx) => {
    const jobs = event.jobs;
    const started = new Set();
    const pending = new Map();
    for (;;) {
      const done = new Set(await ctx.step("load-state", async () => [...deps.results.keys()]));
      for (const id of [...pending.keys()]) if (done.has(id)) pending.delete(id);
      if (done.size === jobs.length) break;
      for (const j of jobs) {
        if (started.has(j.id) || !j.needs.every((n) => done.has(n))) continue;
        started.add(j.id);
        pending.set(j.id, ctx.runInChildContext(`job:${j.id}`, async (c) => {
          const [result, callbackId] = await c.createCallback("done");
          await c.step("dispatch", async () => {
            await deps.provider.dispatch({ instance: j.id, job: j.id, name: j.id, attempt: 1, callbackId });
            return true;
          });
          await result;
          return j.id;
        }));
      }
      await ctx.promise.any("any", [...pending.values()]);
    }
    return { jobs: jobs.length };
  });
}
