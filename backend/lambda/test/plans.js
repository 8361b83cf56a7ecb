// Small generators of Lambda plans for tests and benchmarks (fan-out, chain, matrix, reusable call).

/** A plan with one workflow. */
export function plan(jobs, extra = {}) {
  return { version: 1, workflows: [{ id: "ci", jobs, ...extra }] };
}

/** N independent jobs j0..j{N-1}. */
export const fanOut = (n) => plan(Array.from({ length: n }, (_, i) => ({ id: `j${i}` })));

/** N jobs, each needing the previous one. */
export const chain = (n) => plan(Array.from({ length: n }, (_, i) => ({ id: `j${i}`, ...(i ? { needs: [`j${i - 1}`] } : {}) })));

/** A literal matrix job plus a job that needs it. */
export const matrixPlan = (matrix, strategy = {}, jobExtra = {}) => plan([
  { id: "test", strategy: { matrix, ...strategy }, legs: legsOf(matrix), ...jobExtra },
  { id: "report", needs: ["test"], if: "always()" },
]);

function legsOf(m) {
  let n = 1;
  for (const [k, v] of Object.entries(m)) if (k !== "include" && k !== "exclude") n *= v.length;
  return n + (m.include?.length ?? 0);
}
