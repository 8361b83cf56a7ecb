#!/usr/bin/env node
// Fills the operation estimate and partitions of every workflow of a Lambda plan (reads a file or stdin, writes stdout).
/**
 * \file
 *   node backend/lambda/bin/estimate-plan.js [--budget N] [plan.json|-]
 * The plan is written back as read, with each workflow's `estimate` ({operations, budget,
 * executions}) and `partitions` replaced by what the package computes (src/plan.js), so a
 * hand-written plan can be checked before it is sent, and the C++ operation-budget pass can be
 * compared with the package. `--budget` overrides the plan's `op_budget` (default 3000).
 * Exit status 1 with a message for a plan the package would refuse, including one with an
 * execution that stays over budget (the plan is still written).
 */
import { readFileSync } from "node:fs";
import { readPlan, partitionWorkflow, overBudget, PlanError } from "../src/plan.js";

const args = process.argv.slice(2);
let budget = null;
let file = "-";
for (let i = 0; i < args.length; i++) {
  if (args[i] === "--budget") budget = Number(args[++i]);
  else if (args[i] === "-h" || args[i] === "--help") {
    console.log("usage: estimate-plan.js [--budget N] [plan.json|-]");
    process.exit(0);
  } else file = args[i];
}
if (budget !== null && !(Number.isInteger(budget) && budget > 0)) {
  console.error("estimate-plan: --budget takes a positive integer");
  process.exit(2);
}
try {
  const raw = JSON.parse(readFileSync(file === "-" ? 0 : file, "utf8"));
  const plan = readPlan(raw);
  const b = budget ?? plan.op_budget;
  plan.workflows.forEach((w, i) => {
    partitionWorkflow(w, b);
    raw.workflows[i].estimate = w.estimate;
    raw.workflows[i].partitions = w.partitions.map((p) => ({ id: p.id, kind: p.kind, jobs: p.jobs, estimate: p.estimate }));
  });
  process.stdout.write(JSON.stringify(raw, null, 1) + "\n");
  const over = plan.workflows.flatMap(overBudget);
  for (const m of over) console.error(`estimate-plan: ${m}`);
  // exitCode, not exit(): stdout may be a pipe that is still being written.
  if (over.length) process.exitCode = 1;
} catch (e) {
  console.error(`estimate-plan: ${e instanceof PlanError || e instanceof SyntaxError ? e.message : e.stack}`);
  process.exit(1);
}
