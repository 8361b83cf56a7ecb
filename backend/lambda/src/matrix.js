// Expands a strategy matrix with GitHub's exact algorithm (gha-semantics §2.1) and names the legs (§2.3).
/**
 * \file
 * Used for dynamic matrices (`matrix: ${{ fromJSON(needs.x.outputs.m) }}`) that the compiler
 * leaves symbolic, and for literal matrices in hand-written plans. The product runs in key
 * declaration order (first key slowest), excludes match leaf by leaf with the expression engine's
 * loose `==`, includes extend matching combinations or are appended, and every leg gets GitHub's
 * display name and configuration id.
 */
import { looseEquals, toGitHubString } from "./expressions.js";

/** At most this many legs per matrix (gha-semantics §2.1 step 10). */
export const MAX_LEGS = 256;

/** A matrix that GitHub would reject; the message says what is wrong. */
export class MatrixError extends Error {
  constructor(message) { super(message); this.name = "MatrixError"; }
}

const isObject = (v) => v !== null && typeof v === "object" && !Array.isArray(v);

/** Case-insensitive key lookup; returns the actual key or undefined. */
function findKey(obj, key) {
  if (Object.hasOwn(obj, key)) return key;
  const lower = key.toLowerCase();
  return Object.keys(obj).find((k) => k.toLowerCase() === lower);
}

/** Leaf-wise partial match of `pattern` against `value` (objects recurse, scalars use loose ==). */
function matches(value, pattern) {
  if (isObject(pattern)) {
    if (!isObject(value)) return false;
    for (const [k, p] of Object.entries(pattern)) {
      const vk = findKey(value, k);
      if (!matches(vk === undefined ? null : value[vk], p)) return false;
    }
    return true;
  }
  if (Array.isArray(pattern) || Array.isArray(value)) return JSON.stringify(pattern) === JSON.stringify(value);
  return looseEquals(value, pattern);
}

/** Every scalar leaf of a value, depth-first in key order. */
function leaves(value, out = []) {
  if (Array.isArray(value)) for (const v of value) leaves(v, out);
  else if (isObject(value)) for (const v of Object.values(value)) leaves(v, out);
  else out.push(value);
  return out;
}

/** Display name `<name> (<v1>, <v2>, ...)` from the given values (§2.3). */
export function legName(base, values) {
  const segs = [];
  for (const v of leaves(values)) {
    if (v === null || v === "") continue;
    segs.push(toGitHubString(v));
  }
  let name = segs.length ? `${base} (${segs.join(", ")})` : base;
  if (name.length > 100) name = name.slice(0, 97) + "...";
  return name;
}

/** Configuration id from the naming values (§2.3), without de-duplication. */
function configId(values) {
  const segs = [];
  for (const v of leaves(values)) {
    if (v === null || v === "") continue;
    segs.push(toGitHubString(v));
  }
  let id = segs.join("_").replace(/[^A-Za-z0-9_-]/g, "_");
  if (id === "") id = "__default";
  if (/^[0-9-]/.test(id)) id = "_" + id;
  return id.slice(0, 100);
}

/**
 * @typedef {object} Leg
 * @property {object} matrix     the leg's matrix context (vector values, then include extras)
 * @property {string} name       GitHub's display name
 * @property {string} config_id  unique configuration id (`__default` without values)
 */

/**
 * Expands an evaluated matrix mapping into legs, in GitHub's order.
 * @param {object} matrix  the evaluated `strategy.matrix` value
 * @param {string} baseName  the job's name (or id)
 * @returns {Leg[]}
 */
export function expandMatrix(matrix, baseName) {
  if (!isObject(matrix)) throw new MatrixError(`matrix must be a mapping, got ${JSON.stringify(matrix)}`);
  const vectors = [];
  let include = [];
  let exclude = [];
  for (const [k, v] of Object.entries(matrix)) {
    const lower = k.toLowerCase();
    if (lower === "include") {
      if (!Array.isArray(v)) throw new MatrixError("matrix 'include' must be a sequence");
      include = v;
    } else if (lower === "exclude") {
      if (!Array.isArray(v)) throw new MatrixError("matrix 'exclude' must be a sequence");
      exclude = v;
    } else {
      if (!Array.isArray(v)) throw new MatrixError(`Matrix vector '${k}' must be a sequence`);
      if (v.length === 0) throw new MatrixError(`Matrix vector '${k}' does not contain any values`);
      vectors.push([k, v]);
    }
  }
  if (vectors.length === 0 && include.length === 0) {
    throw new MatrixError("Matrix must define at least one vector or a non-empty include");
  }
  const vectorKeys = vectors.map(([k]) => k);
  const vectorKey = (k) => vectorKeys.find((vk) => vk.toLowerCase() === k.toLowerCase());

  for (const item of exclude) {
    if (!isObject(item) || Object.keys(item).length === 0) throw new MatrixError("matrix exclude entries must be non-empty mappings");
    for (const k of Object.keys(item)) {
      if (vectorKey(k) === undefined) throw new MatrixError(`Matrix exclude key '${k}' does not match any key within the matrix`);
    }
  }
  const entries = include.map((item) => {
    if (!isObject(item) || Object.keys(item).length === 0) throw new MatrixError("matrix include entries must be non-empty mappings");
    const filter = {}; const extra = {};
    for (const [k, v] of Object.entries(item)) {
      const vk = vectorKey(k);
      if (vk !== undefined) filter[vk] = v; else extra[k] = v;
    }
    return { filter, extra, used: false };
  });

  // Cartesian product, first key slowest.
  let combos = vectors.length ? [{}] : [];
  for (const [k, values] of vectors) {
    const next = [];
    for (const c of combos) for (const v of values) next.push({ ...c, [k]: v });
    combos = next;
    if (combos.length > 65536) throw new MatrixError(`matrix product exceeds ${MAX_LEGS} legs`);
  }

  const legs = [];
  for (const combo of combos) {
    if (exclude.some((ex) => Object.entries(ex).every(([k, p]) => matches(combo[vectorKey(k)], p)))) continue;
    const extra = {};
    for (const e of entries) {
      if (Object.entries(e.filter).every(([k, p]) => matches(combo[k], p))) {
        e.used = true;
        Object.assign(extra, e.extra);
      }
    }
    legs.push({ matrix: { ...combo, ...extra }, nameValues: combo });
  }
  for (const e of entries) {
    if (e.used) continue;
    const m = { ...e.filter, ...e.extra };
    legs.push({ matrix: m, nameValues: m });
  }
  if (legs.length > MAX_LEGS) throw new MatrixError(`matrix has ${legs.length} legs; at most ${MAX_LEGS} are allowed`);
  if (legs.length === 0) throw new MatrixError("matrix produced no legs after exclude");

  const seen = new Map();
  return legs.map(({ matrix: m, nameValues }) => {
    let id = configId(nameValues);
    const key = id.toLowerCase();
    const n = (seen.get(key) ?? 0) + 1;
    seen.set(key, n);
    if (n > 1) id = `${id}_${n}`;
    return { matrix: m, name: legName(baseName, nameValues), config_id: id };
  });
}

/** The `strategy` context of leg `index` of `total` (§2.1 step 9). */
export function strategyContext(failFast, maxParallel, index, total) {
  return { "fail-fast": failFast, "job-index": index, "job-total": total, "max-parallel": maxParallel ?? total };
}
