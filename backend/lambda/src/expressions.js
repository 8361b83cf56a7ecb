// Evaluates GitHub expressions and `${{ }}` templates at run time with @actions/expressions.
/**
 * \file
 * Plans carry conditions and templates as expression source (after GitHub's implicit
 * `success() && (...)` rewrite, gha-semantics §3.1). This module parses them once with GitHub's
 * official evaluator (`@actions/expressions`), caches the trees, and evaluates them against plain
 * JSON contexts. The evaluator has no status functions: callers supply `success`, `failure`,
 * `cancelled` and `always` through {@link StatusFunctions}.
 */
import { Lexer, Parser, Evaluator, data } from "@actions/expressions";
import { equals } from "@actions/expressions/result";

/** Context names any plan template may name; availability is checked by the compiler. */
const CONTEXTS = ["github", "inputs", "vars", "needs", "strategy", "matrix", "jobs", "env",
  "secrets", "steps", "runner", "job"];

/** Status functions as the parser must know them (job-level arities, gha-semantics §5.5). */
const STATUS_INFO = [
  { name: "success", minArgs: 0, maxArgs: 255 },
  { name: "failure", minArgs: 0, maxArgs: 255 },
  { name: "cancelled", minArgs: 0, maxArgs: 0 },
  { name: "always", minArgs: 0, maxArgs: 0 },
];

/** Raised for an expression that does not parse or evaluate; `source` is the offending text. */
export class ExpressionFailure extends Error {
  /** @param {string} message @param {string} source */
  constructor(message, source) {
    super(`${message} in expression: ${source}`);
    this.name = "ExpressionFailure";
    this.source = source;
  }
}

/** @type {Map<string, any>} */
const cache = new Map();

/** Parses (and caches) one expression source. @param {string} src */
function parse(src) {
  let tree = cache.get(src);
  if (tree) return tree;
  try {
    const lexed = new Lexer(src).lex();
    tree = new Parser(lexed.tokens, CONTEXTS, STATUS_INFO).parse();
  } catch (e) {
    throw new ExpressionFailure(String(e?.message ?? e), src);
  }
  if (cache.size > 10000) cache.clear();
  cache.set(src, tree);
  return tree;
}

/** Converts plain JSON into the evaluator's data model. */
export function toData(value) {
  return JSON.parse(JSON.stringify(value ?? null), data.reviver);
}

/** Converts the evaluator's data model back into plain JSON. */
export function fromData(value) {
  return JSON.parse(JSON.stringify(value, data.replacer) ?? "null");
}

/**
 * @typedef {object} StatusFunctions
 * @property {(...jobIds: string[]) => boolean} success
 * @property {(...jobIds: string[]) => boolean} failure
 * @property {() => boolean} cancelled
 */

/** Builds the evaluator's function table from status callbacks. @param {StatusFunctions} status */
function statusTable(status) {
  const argIds = (args) => args.map((a) => a.coerceString());
  return new Map([
    ["success", { ...STATUS_INFO[0], call: (...a) => new data.BooleanData(status.success(...argIds(a))) }],
    ["failure", { ...STATUS_INFO[1], call: (...a) => new data.BooleanData(status.failure(...argIds(a))) }],
    ["cancelled", { ...STATUS_INFO[2], call: () => new data.BooleanData(status.cancelled()) }],
    ["always", { ...STATUS_INFO[3], call: () => new data.BooleanData(true) }],
  ]);
}

const NO_STATUS = {
  success: () => { throw new Error("status functions are only allowed in if"); },
  failure: () => { throw new Error("status functions are only allowed in if"); },
  cancelled: () => { throw new Error("status functions are only allowed in if"); },
};

/**
 * Evaluates an expression source against `contexts` and returns the evaluator's data value.
 * @param {string} src @param {object} contexts @param {StatusFunctions} [status]
 */
function evaluateData(src, contexts, status = NO_STATUS) {
  const tree = parse(src);
  try {
    return new Evaluator(tree, toData(contexts), statusTable(status)).evaluate();
  } catch (e) {
    if (e instanceof ExpressionFailure) throw e;
    throw new ExpressionFailure(String(e?.message ?? e), src);
  }
}

/** Evaluates an expression source and returns plain JSON. */
export function evaluate(src, contexts, status) {
  return fromData(evaluateData(src, contexts, status));
}

/** Evaluates a condition (`if`) to a boolean with GitHub's truthiness. */
export function evaluateCondition(src, contexts, status) {
  const trimmed = (src ?? "").trim();
  if (trimmed === "") return evaluateCondition("success()", contexts, status);
  const v = evaluateData(unwrap(trimmed), contexts, status);
  return isTruthy(v);
}

/** GitHub truthiness of a data value (gha-semantics §5.3). */
function isTruthy(v) {
  switch (v.kind) {
    case data.Kind.Null: return false;
    case data.Kind.Boolean: return v.value;
    case data.Kind.Number: { const n = v.number(); return !(n === 0 || Number.isNaN(n)); }
    case data.Kind.String: return v.coerceString() !== "";
    default: return true;
  }
}

/** Strips one `${{ }}` wrapper when it spans the whole string. */
function unwrap(src) {
  const parts = splitTemplate(src);
  if (parts.length === 1 && parts[0].expr !== undefined) return parts[0].expr;
  return src;
}

/**
 * Splits a template into literal and expression parts. `}}` inside a single-quoted string
 * literal does not end an expression.
 * @param {string} text @returns {{text?: string, expr?: string}[]}
 */
export function splitTemplate(text) {
  const parts = [];
  let i = 0;
  while (i < text.length) {
    const open = text.indexOf("${{", i);
    if (open < 0) { parts.push({ text: text.slice(i) }); break; }
    if (open > i) parts.push({ text: text.slice(i, open) });
    let j = open + 3;
    let inString = false;
    let close = -1;
    for (; j < text.length; j++) {
      const c = text[j];
      if (inString) {
        if (c === "'") { if (text[j + 1] === "'") j++; else inString = false; }
      } else if (c === "'") inString = true;
      else if (c === "}" && text[j + 1] === "}") { close = j; break; }
    }
    if (close < 0) throw new ExpressionFailure("unterminated ${{", text);
    parts.push({ expr: text.slice(open + 3, close).trim() });
    i = close + 2;
  }
  return parts;
}

/**
 * Evaluates a template. A string that is exactly one `${{ expr }}` yields the typed value;
 * other strings are interpolated (values converted with GitHub's string rules). Arrays and
 * objects are evaluated member by member; other JSON values are returned as they are.
 */
export function evaluateTemplate(tpl, contexts) {
  if (Array.isArray(tpl)) return tpl.map((v) => evaluateTemplate(v, contexts));
  if (tpl && typeof tpl === "object") {
    const out = {};
    for (const [k, v] of Object.entries(tpl)) out[evaluateTemplate(k, contexts)] = evaluateTemplate(v, contexts);
    return out;
  }
  if (typeof tpl !== "string" || !tpl.includes("${{")) return tpl;
  const parts = splitTemplate(tpl);
  if (parts.length === 1 && parts[0].expr !== undefined) return evaluate(parts[0].expr, contexts);
  let out = "";
  for (const p of parts) {
    if (p.text !== undefined) out += p.text;
    else out += evaluateData(p.expr, contexts).coerceString();
  }
  return out;
}

/** True when the template text holds at least one `${{ }}`. */
export function isTemplate(v) {
  return typeof v === "string" && v.includes("${{");
}

/** The expression engine's loose `==` on two JSON values (gha-semantics §5.3). */
export function looseEquals(a, b) {
  return equals(toData(a), toData(b));
}

/** GitHub's string form of a JSON scalar (numbers as G15, booleans as true/false). */
export function toGitHubString(value) {
  return toData(value).coerceString();
}
