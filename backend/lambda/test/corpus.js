// The tools and workflows the compiled-plan tests use: ci-compile, ci-exec, the examples and the real-workflow corpus.
/**
 * \file
 * ci-compile is `$CI_COMPILE` (scripts/test-lambda.sh passes the build's) or `build/bin/ci-compile`;
 * ci-exec is `$CI_EXEC` or the `ci-exec` next to ci-compile. The corpus is
 * `$CI_SHARED_DIR/corpus/real` or `../shared/corpus/real`.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
export const repo = path.resolve(here, "../../..");
export const ciCompile = process.env.CI_COMPILE || path.join(repo, "build/bin/ci-compile");
export const ciExec = process.env.CI_EXEC || path.join(path.dirname(ciCompile), "ci-exec");
export const corpus = path.join(process.env.CI_SHARED_DIR || path.join(repo, "../shared"), "corpus/real");
export const examplesDir = path.join(repo, "examples/.github/workflows");

/** `ci-compile --emit=lambda-plan [args] file`: {plan} or {error: first line of stderr, stderr}. */
export function compile(file, args = []) {
  const r = spawnSync(ciCompile, ["--emit=lambda-plan", ...args, file], { encoding: "utf8", maxBuffer: 64 << 20, timeout: 30_000 });
  if (r.status !== 0) {
    const stderr = r.stderr || r.error?.message || `exit ${r.status}`;
    return { error: stderr.split("\n")[0], stderr };
  }
  return { plan: JSON.parse(r.stdout) };
}

/** The workflow files of the examples, in name order. */
export function exampleFiles() {
  return readdirSync(examplesDir).filter((f) => f.endsWith(".yml")).sort().map((f) => path.join(examplesDir, f));
}

/** Workflow files of the corpus, round-robin over repositories in name order. */
export function corpusFiles() {
  if (!existsSync(corpus)) return [];
  const perRepo = readdirSync(corpus).sort().map((r) => path.join(corpus, r, ".github/workflows"))
    .filter((d) => existsSync(d) && statSync(d).isDirectory())
    .map((d) => readdirSync(d).filter((f) => /\.ya?ml$/.test(f)).sort().map((f) => path.join(d, f)));
  const out = [];
  for (let i = 0; perRepo.some((fs) => i < fs.length); i++) for (const fs of perRepo) if (i < fs.length) out.push(fs[i]);
  return out;
}

/**
 * Why a compiled plan is not run with a fixed scenario, or null to run it: a matrix that only
 * run-time outputs can expand, or more than `maxInstances` job instances.
 */
export function unsuitable(plan, maxInstances = 64) {
  const w = plan.workflows[0];
  let instances = 0;
  for (const j of w.jobs) {
    if (j.uses) continue;
    if (j.strategy?.matrix && !j.instances?.length) return "matrix expanded at run time";
    instances += j.legs ?? 1;
  }
  return instances > maxInstances ? `${instances} instances` : null;
}
