// Runs GitHub's official workflow parser over workflow files and prints, one JSON
// line per file, what the differential test compares: job ids, needs, the
// normalized `if` condition, reusable-workflow call targets, the job name and
// `strategy.matrix` as read (the parser does not expand matrices), and errors.
//
// usage: node --import ./register.mjs extract.mjs FILE...   (or file names on stdin)
import { readFileSync } from "node:fs";
import {
  parseWorkflow,
  convertWorkflowTemplate,
  NoOperationTraceWriter,
  isMapping,
  isSequence,
  isString,
  isNumber,
  isBoolean,
  isLiteral,
} from "@actions/workflow-parser";

const TryConversion = 1; // ErrorPolicy.TryConversion (not exported by the package index)

// A token as plain JSON; undefined when any part of it is an expression (the
// matrix is then only known at run time).
function literal(token) {
  if (isMapping(token)) {
    const out = {};
    for (const { key, value } of token) {
      if (!isString(key)) return undefined;
      const v = literal(value);
      if (v === undefined) return undefined;
      out[key.value] = v;
    }
    return out;
  }
  if (isSequence(token)) {
    const out = [];
    for (let i = 0; i < token.count; ++i) {
      const v = literal(token.get(i));
      if (v === undefined) return undefined;
      out.push(v);
    }
    return out;
  }
  if (isString(token) || isNumber(token) || isBoolean(token)) return token.value;
  if (isLiteral(token)) return null; // the null token
  return undefined;
}

// `strategy.matrix`: undefined without one, {dynamic: true} for an expression,
// else {value: <JSON>}.
function matrixOf(strategy) {
  if (!strategy) return undefined;
  if (!isMapping(strategy)) return { dynamic: true };
  const m = strategy.find("matrix");
  if (!m) return undefined;
  const v = literal(m);
  return v === undefined ? { dynamic: true } : { value: v };
}

async function extract(file) {
  const content = readFileSync(file, "utf8");
  const parsed = parseWorkflow({ name: file, content }, new NoOperationTraceWriter());
  const out = { file, errors: [], jobs: [] };
  if (!parsed.value) {
    out.errors = parsed.context.errors.getErrors().map((e) => e.message);
    return out;
  }
  const template = await convertWorkflowTemplate(parsed.context, parsed.value, undefined, {
    errorPolicy: TryConversion,
  });
  out.errors = (template.errors || []).map((e) => e.Message);
  for (const job of template.jobs || []) {
    const entry = {
      id: job.id.value ?? job.id,
      type: job.type,
      needs: (job.needs || []).map((n) => n.value ?? n),
      if: job.if ? job.if.expr ?? String(job.if.value) : null,
    };
    if (job.type === "reusableWorkflowJob") entry.uses = job.ref ? job.ref.value : null;
    if (job.name) entry.name = isString(job.name) ? job.name.value : { expression: true };
    const matrix = matrixOf(job.strategy);
    if (matrix) entry.matrix = matrix;
    out.jobs.push(entry);
  }
  return out;
}

let files = process.argv.slice(2);
if (files.length === 0) files = readFileSync(0, "utf8").split("\n").filter(Boolean);
for (const f of files) {
  try {
    process.stdout.write(JSON.stringify(await extract(f)) + "\n");
  } catch (e) {
    process.stdout.write(JSON.stringify({ file: f, crash: String(e && e.message) }) + "\n");
  }
}
