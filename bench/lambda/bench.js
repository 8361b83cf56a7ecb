// Wall time of the local durable runner: the Lambda package's loop versus the straightforward loop, one completion per wake.
/**
 * \file
 *   node bench/lambda/bench.js [--sizes 100,500] [--reps 3] [--shape fan-out|chain]
 * For each size N, a fan-out (or chain) of N jobs runs on `@aws/durable-execution-sdk-js-testing`'s local
 * runner under both loops, alternating which goes first, `reps` times. Jobs complete one per
 * wake: the next job report is sent only when the previous invocation has ended, so every
 * completion costs one invocation that replays the whole history. Prints one line per run, then
 * medians, operations per job and ratios, then the largest workflows that fit in the operation
 * budget without partitioning (from the package's estimate, checked against the measured counts).
 */
import { setup, teardown, runPlan, realNow, realSetImmediate, LocalDurableTestRunner, withDurableExecution, localSender,
  onePerWake } from "../../backend/lambda/test/harness.js";
import { fanOut, chain } from "../../backend/lambda/test/plans.js";
import { fakeProvider } from "../../backend/lambda/src/providers.js";
import { readPlan, estimateExecution, DEFAULT_OP_BUDGET } from "../../backend/lambda/src/plan.js";
import { makeStraightforwardHandler } from "./straightforward.js";

const args = process.argv.slice(2);
const arg = (name, def) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : def; };
const sizes = arg("--sizes", "100,500").split(",").map(Number);
const reps = Number(arg("--reps", "3"));
const shapes = { "fan-out": fanOut, chain };
const shapeName = arg("--shape", "fan-out");
const shape = shapes[shapeName];
if (!shape) throw new Error(`--shape: fan-out or chain, not ${shapeName}`);

async function runOurs(n) {
  const driver = onePerWake({ direct: true });
  const t0 = realNow();
  let out;
  try {
    out = await runPlan(shape(n), {}, driver.options);
  } finally {
    driver.stop();
  }
  const { result, execution, invocations } = out;
  const seconds = (realNow() - t0) / 1000;
  if (result.conclusion !== "success" || result.jobs.length !== n) throw new Error(`ours: ${JSON.stringify(result).slice(0, 300)}`);
  return { seconds, operations: execution.getOperations().length, counted: result.workflows[0].operations, invocations: invocations.count };
}

async function runStraightforward(n) {
  const results = new Map();
  const inner = localSender();
  const sender = { ...inner, success: async (id, body) => { results.set(pendingIds.get(id), body); await inner.success(id, body); } };
  const pendingIds = new Map();
  const base = fakeProvider({ scenario: {}, sender, mode: "manual" });
  const provider = { ...base, dispatch: async (req) => { pendingIds.set(req.callbackId, req.job); return base.dispatch(req); },
    releaseNext: () => base.releaseNext(), get queued() { return base.queued; } };
  const invocations = { count: 0, ended: 0 };
  const handler = makeStraightforwardHandler(withDurableExecution, { provider, results });
  // The same delivery as the harness's onePerWake: one report per suspension.
  let lastEnded = -1;
  const tryRelease = () => {
    if (invocations.count !== invocations.ended || invocations.ended === lastEnded || provider.queued === 0) return;
    lastEnded = invocations.ended;
    provider.releaseNext();
  };
  const release = () => realSetImmediate(tryRelease);
  const poll = setInterval(tryRelease, 250);
  const counted = async (ev, lctx) => {
    invocations.count++;
    try { return await handler(ev, lctx); } finally { invocations.ended++; release(); }
  };
  const runner = new LocalDurableTestRunner({ handlerFunction: counted });
  const jobs = shape(n).workflows[0].jobs.map((j) => ({ id: j.id, needs: j.needs ?? [] }));
  const t0 = realNow();
  let execution;
  try {
    execution = await runner.run({ payload: { jobs } });
  } finally {
    clearInterval(poll);
  }
  const seconds = (realNow() - t0) / 1000;
  if (execution.getStatus() !== "SUCCEEDED" || results.size !== n) throw new Error(`straightforward: ${execution.getStatus()}`);
  return { seconds, operations: execution.getOperations().length, invocations: invocations.count };
}

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2; };

/** Largest N whose single-execution estimate fits the budget. */
function largest(make) {
  let lo = 1, hi = 20000;
  const fits = (n) => { const w = readPlan(make(n)).workflows[0]; return estimateExecution(w, new Set(w.jobs.map((j) => j.id))) <= DEFAULT_OP_BUDGET; };
  while (lo < hi) { const mid = Math.ceil((lo + hi) / 2); if (fits(mid)) lo = mid; else hi = mid - 1; }
  return lo;
}

await setup();
// Warm-up (worker start, JIT) outside the figures.
await runOurs(5);
await runStraightforward(5);
const rows = [];
for (const n of sizes) {
  for (let r = 0; r < reps; r++) {
    const order = r % 2 ? ["straightforward", "ours"] : ["ours", "straightforward"];
    for (const loop of order) {
      const m = loop === "ours" ? await runOurs(n) : await runStraightforward(n);
      rows.push({ n, loop, ...m });
      console.log(`run N=${n} ${loop.padEnd(15)} ${m.seconds.toFixed(2).padStart(8)} s  ${String(m.operations).padStart(5)} operations  ${m.invocations} invocations`);
    }
  }
}
console.log(`\nmedians (${shapeName}, one completion per wake, local runner)`);
console.log("   N  loop             wall s  operations  ops/job  invocations");
const summary = [];
for (const n of sizes) {
  const byLoop = {};
  for (const loop of ["ours", "straightforward"]) {
    const rs = rows.filter((x) => x.n === n && x.loop === loop);
    byLoop[loop] = { seconds: median(rs.map((x) => x.seconds)), operations: rs[0].operations, invocations: rs[0].invocations };
    console.log(`${String(n).padStart(4)}  ${loop.padEnd(15)} ${byLoop[loop].seconds.toFixed(2).padStart(7)}  ${String(byLoop[loop].operations).padStart(10)}  ${(byLoop[loop].operations / n).toFixed(3).padStart(7)}  ${String(byLoop[loop].invocations).padStart(11)}`);
  }
  const ratio = byLoop.straightforward.seconds / byLoop.ours.seconds;
  console.log(`      straightforward / ours: ${ratio.toFixed(2)}x wall time, ${(byLoop.straightforward.operations / byLoop.ours.operations).toFixed(2)}x operations`);
  summary.push({ n, ours: byLoop.ours, straightforward: byLoop.straightforward, ratio });
}
const check = sizes.map((n) => {
  const w = readPlan(shape(n)).workflows[0];
  const e = estimateExecution(w, new Set(w.jobs.map((j) => j.id)));
  const measured = rows.find((x) => x.n === n && x.loop === "ours").counted;
  return `N=${n}: estimate ${e}, measured ${measured}`;
});
console.log(`\nlargest workflow in ${DEFAULT_OP_BUDGET} operations without partitioning: fan-out ${largest(fanOut)} jobs, chain ${largest(chain)} jobs; straightforward loop (5N+1) ${Math.floor((DEFAULT_OP_BUDGET - 1) / 5)} jobs`);
console.log(`estimate vs measured operations (ours): ${check.join("; ")}`);
console.log(JSON.stringify({ shape: shapeName, sizes, reps, summary }));
await teardown();
process.exit(0);
