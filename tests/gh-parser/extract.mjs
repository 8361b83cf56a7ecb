// Runs GitHub's official workflow parser over workflow files and prints, one JSON
// line per file, what the differential test compares: job ids, needs, the
// normalized `if` condition and reusable-workflow call targets.
//
// usage: node --import ./register.mjs extract.mjs FILE...   (or file names on stdin)
import { readFileSync } from "node:fs";
import { parseWorkflow, convertWorkflowTemplate, NoOperationTraceWriter } from "@actions/workflow-parser";

const TryConversion = 1; // ErrorPolicy.TryConversion (not exported by the package index)

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
