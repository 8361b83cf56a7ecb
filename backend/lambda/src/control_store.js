// Run control registry and repository-wide concurrency groups (gha-semantics §4), in memory; the interface a shared store implements.
/**
 * \file
 * Two things must be shared between executions and runs: where to send a run's cancel and
 * retry signals (the control callbacks of each execution of the run), and the state of each
 * concurrency group (one holder, pending waiters). `MemoryControlStore` keeps both in a process
 * (tests, single-process use); a deployment uses `DynamoControlStore` (dynamo_store.js) with the
 * same methods. Group keys are lower-cased group names (groups are case-insensitive).
 *
 * Queue semantics: `single` keeps at most one holder and one pending waiter (a newer waiter
 * cancels the older one; `cancel_in_progress` also cancels the holder); `max` keeps up to 100
 * waiters in FIFO order and rejects more.
 */

/** @typedef {{holderKey: string, callbackId: string, runId?: string}} GroupEntry */
/** @typedef {{kind: "pending"|"running", callbackId: string, holderKey: string}} Displaced */

export class MemoryControlStore {
  constructor() {
    /** @type {Map<string, Map<string, object>>} run id -> execution key -> control record */
    this.controls = new Map();
    /** @type {Map<string, {holder: GroupEntry|null, pending: GroupEntry[]}>} */
    this.groups = new Map();
  }

  /** Records the control callbacks of one execution of a run. */
  async registerControl(runId, executionKey, record) {
    if (!this.controls.has(runId)) this.controls.set(runId, new Map());
    this.controls.get(runId).set(executionKey, { ...record, executionKey });
  }

  /** Control records of every execution of a run. */
  async controlsFor(runId) {
    return [...(this.controls.get(runId)?.values() ?? [])];
  }

  /** Forgets an execution's control record (when it finishes). */
  async unregisterControl(runId, executionKey) {
    this.controls.get(runId)?.delete(executionKey);
  }

  /**
   * Asks for a group. @param {string} groupKey @param {GroupEntry} entry
   * @param {{cancelInProgress?: boolean, queue?: string}} opts
   * @returns {Promise<{granted: boolean, rejected?: boolean, displaced: Displaced[]}>}
   */
  async acquire(groupKey, entry, opts = {}) {
    const g = this.groups.get(groupKey) ?? { holder: null, pending: [] };
    this.groups.set(groupKey, g);
    return acquireIn(g, entry, opts);
  }

  /** Leaves a group (as holder or waiter); returns the waiter to wake, if one was promoted. */
  async release(groupKey, holderKey) {
    const g = this.groups.get(groupKey);
    if (!g) return null;
    return releaseIn(g, holderKey);
  }

  /** Points the holder record at a new callback (after a waiter was woken and dispatched). */
  async updateHolder(groupKey, holderKey, callbackId) {
    const g = this.groups.get(groupKey);
    if (g?.holder?.holderKey === holderKey) g.holder.callbackId = callbackId;
  }
}

/** Group transition for acquire, shared with the DynamoDB store. */
export function acquireIn(g, entry, { cancelInProgress = false, queue = "single" } = {}) {
  const displaced = [];
  if (!g.holder || g.holder.holderKey === entry.holderKey) {
    g.holder = { ...entry };
    return { granted: true, displaced };
  }
  if (cancelInProgress) displaced.push({ kind: "running", ...g.holder });
  if (queue === "max") {
    if (g.pending.length >= 100) return { granted: false, rejected: true, displaced };
    g.pending.push({ ...entry });
    return { granted: false, displaced };
  }
  for (const p of g.pending) displaced.push({ kind: "pending", ...p });
  g.pending = [{ ...entry }];
  return { granted: false, displaced };
}

/** Group transition for release, shared with the DynamoDB store. */
export function releaseIn(g, holderKey) {
  const before = g.pending.length;
  g.pending = g.pending.filter((p) => p.holderKey !== holderKey);
  if (g.pending.length !== before) return null;
  if (g.holder?.holderKey !== holderKey) return null;
  g.holder = g.pending.shift() ?? null;
  return g.holder ? { ...g.holder } : null;
}
