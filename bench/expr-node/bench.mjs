// Parse+evaluate throughput of @actions/expressions over the corpus expression list.
//
// Usage: node --import ./register.mjs bench.mjs EXPRESSIONS.json CONTEXTS.json [ROUNDS]
// EXPRESSIONS.json is written by `bench_expr_bench --dump=DIR`; CONTEXTS.json is
// bench/expr-node/contexts.json. Prints one JSON line with the median expressions/s
// of parse-only, evaluate-only and parse+evaluate rounds (one Node process, CPU time).
import { readFileSync } from "node:fs";
import { data, Evaluator, Lexer, Parser } from "@actions/expressions";

const [exprFile, ctxFile, roundsArg] = process.argv.slice(2);
const { expressions, contextNames } = JSON.parse(readFileSync(exprFile, "utf8"));
const contexts = JSON.parse(readFileSync(ctxFile, "utf8"), data.reviver);
const rounds = Number(roundsArg || 7);

const constant = (name, v, min, max) => ({
  name, description: "", minArgs: min, maxArgs: max, call: () => v,
});
const hostFns = [
  constant("success", new data.BooleanData(true), 0, Number.MAX_SAFE_INTEGER),
  constant("failure", new data.BooleanData(false), 0, Number.MAX_SAFE_INTEGER),
  constant("always", new data.BooleanData(true), 0, 0),
  constant("cancelled", new data.BooleanData(false), 0, 0),
  constant("hashFiles", new data.StringData("d1b2a59fbea7e20077af9f91b27e95e865061b27"), 1, 255),
];
const fnMap = new Map(hostFns.map((f) => [f.name.toLowerCase(), f]));

function parse(e) {
  const lexer = new Lexer(e);
  const { tokens } = lexer.lex();
  return new Parser(tokens, contextNames, hostFns).parse();
}

let parseErrors = 0, evalErrors = 0;
const asts = expressions.map((e) => {
  try { return parse(e); } catch { parseErrors++; return undefined; }
});

// CPU time of the process (user + system, all of V8's threads), as Google Benchmark
// measures the C++ side by CPU time: other load on the machine does not count.
function timeRound(fn) {
  const t0 = process.cpuUsage();
  fn();
  const d = process.cpuUsage(t0);
  return expressions.length / ((d.user + d.system) / 1e6);
}
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };

const parseOnly = () => { for (const e of expressions) { try { parse(e); } catch {} } };
const evalOnly = () => {
  for (const a of asts) {
    if (!a) continue;
    try { new Evaluator(a, contexts, fnMap).evaluate(); } catch { }
  }
};
const both = () => {
  for (const e of expressions) {
    try { new Evaluator(parse(e), contexts, fnMap).evaluate(); } catch { }
  }
};
for (const a of asts) {
  if (!a) continue;
  try { new Evaluator(a, contexts, fnMap).evaluate(); } catch { evalErrors++; }
}
// Warm-up lets the JIT settle before the measured rounds.
for (let i = 0; i < 3; i++) { parseOnly(); evalOnly(); both(); }
const r = { parse: [], evaluate: [], parseAndEvaluate: [] };
for (let i = 0; i < rounds; i++) {
  r.parse.push(timeRound(parseOnly));
  r.evaluate.push(timeRound(evalOnly));
  r.parseAndEvaluate.push(timeRound(both));
}
console.log(JSON.stringify({
  engine: "@actions/expressions 0.3.61", node: process.version, expressions: expressions.length,
  parseErrors, evalErrors, rounds,
  median: { parse: median(r.parse), evaluate: median(r.evaluate), parseAndEvaluate: median(r.parseAndEvaluate) },
  min: { parse: Math.min(...r.parse), evaluate: Math.min(...r.evaluate), parseAndEvaluate: Math.min(...r.parseAndEvaluate) },
  max: { parse: Math.max(...r.parse), evaluate: Math.max(...r.evaluate), parseAndEvaluate: Math.max(...r.parseAndEvaluate) },
}));
