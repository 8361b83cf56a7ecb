// The fan-out job loop of bench_runtime_fanout on AWS's local durable runner, timed.
//
// Per job a child context { createCallback "done"; step "dispatch" } (the step hands the
// callback id to the "provider"), then `promise.any` over the outstanding jobs until all are
// done. The provider completes one callback per wake, newest dispatch first, exactly like the
// C++ benchmark. Usage: node fanout.mjs [N...]   (default: 50 100 200 500)
// Prints one JSON line per N: {n, wall_ms, cpu_ms, invocations, operations}.
import { LocalDurableTestRunner } from "@aws/durable-execution-sdk-js-testing";
import { withDurableExecution } from "@aws/durable-execution-sdk-js";

const realSetTimeout = globalThis.setTimeout;
const realSetInterval = globalThis.setInterval;
const realClearInterval = globalThis.clearInterval;
const realNow = () => performance.timeOrigin + performance.now();
const sleep = (ms) => new Promise((r) => realSetTimeout(r, ms));

async function fanOut(n) {
  const provider = []; // callback ids dispatched and not yet completed
  const calls = { started: 0, ended: 0 };
  const handler = withDurableExecution(async (event, ctx) => {
    const outstanding = new Map();
    for (let i = 0; i < event.n; i++) {
      outstanding.set(i, ctx.runInChildContext(`job ${i}`, async (c) => {
        const [done, id] = await c.createCallback("done");
        await c.step("dispatch", async () => { provider.push(id); return id; });
        await done;
        return i;
      }));
    }
    for (let k = 0; outstanding.size; k++) {
      const i = await ctx.promise.any(`next ${k}`, [...outstanding.values()]);
      outstanding.delete(i);
    }
    return { jobs: event.n };
  });
  const counted = async (ev, lctx) => {
    calls.started++;
    try { return await handler(ev, lctx); } finally { calls.ended++; }
  };
  const runner = new LocalDurableTestRunner({ handlerFunction: counted });
  const api = LocalDurableTestRunner.createDurableApi();
  const keepAlive = realSetInterval(() => {}, 1000);
  const cpu0 = process.cpuUsage();
  const t0 = realNow();
  const finished = runner.run({ payload: { n } });
  let over = false;
  finished.finally(() => { over = true; });
  // Wait for the first invocation to dispatch everything and suspend.
  while (!over && (calls.ended < 1 || provider.length < n)) await sleep(1);
  for (let sent = 0; sent < n && !over; sent++) {
    const seen = calls.ended;
    const id = provider.pop();
    await api.sendCallbackSuccess({ CallbackId: id, Result: JSON.stringify({ conclusion: "success" }) });
    // One completion per wake: the next one is sent once this wake's invocation has ended.
    while (!over && calls.ended === seen) await sleep(0);
  }
  const execution = await finished;
  realClearInterval(keepAlive);
  const wall = realNow() - t0;
  const cpu = process.cpuUsage(cpu0);
  if (execution.getStatus() !== "SUCCEEDED")
    throw new Error(`n=${n}: ${execution.getStatus()} ${JSON.stringify(execution.getError?.() ?? null)}`);
  return { n, wall_ms: Math.round(wall), cpu_ms: Math.round((cpu.user + cpu.system) / 1000),
    invocations: calls.started, operations: execution.getOperations().length };
}

const sizes = process.argv.slice(2).map(Number).filter((x) => x > 0);
await LocalDurableTestRunner.setupTestEnvironment({ skipTime: false });
for (const n of sizes.length ? sizes : [50, 100, 200, 500])
  console.log(JSON.stringify(await fanOut(n)));
await LocalDurableTestRunner.teardownTestEnvironment();
process.exit(0);
