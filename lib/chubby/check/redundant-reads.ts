/**
 * @module chubby/check/redundant-reads
 *
 * Leaves out the instantaneous reads a linearizability search does not need.
 * A client's cache answers a read at one instant (invocation = completion), so
 * a simulated hour is mostly such reads: 100 web servers reading the leader's
 * name every two seconds give about 180,000 of them, and a handful of writes.
 *
 * The rule. Call the times at which any other operation of the key is invoked
 * or completes its "edges". Take a run of instantaneous read-only operations
 * that are consecutive in time, lie strictly between the same two edges, are
 * the same compiled operation (the same `prepare` result: the same read of the
 * same value), and share no instant with an instantaneous operation outside
 * the run. Only the run's first read is kept.
 *
 * Why it cannot change the verdict. Leaving out a read-only operation keeps a
 * linearizable history linearizable (drop it from the order). Conversely, take
 * a linearization L of the history with only the first read `p1` of the run.
 * Every operation L places in `[p1, pm]` after `p1` (`pm` the run's last read)
 * spans the whole gap between the two edges: it has no edge inside, and no
 * other instantaneous op is there. Move those operations, in their order, to
 * just after `pm` (still inside the gap, so inside their intervals, and before
 * anything L placed later). The order is unchanged, so L stays legal, and the
 * state from `p1` to `pm` is the one `p1` read. Each dropped read is the same
 * read-only operation, so it fits at its own instant there and changes
 * nothing. The result linearizes the whole history. Ties count against
 * dropping: a read on an edge, or at the instant of another instantaneous op,
 * is kept.
 */
import type { Operation } from "./history.js";
import type { Model, OpRole } from "./models.js";

/** A key's operations after {@link dropRedundantReads}. */
export interface ReducedKeyOps<P> {
  ops: readonly Operation[];
  roles: readonly OpRole[];
  prepared: readonly P[];
  /** How many reads were left out. */
  dropped: number;
}

/**
 * Leaves out the instantaneous reads of one key that cannot change whether it
 * is linearizable (see the module comment), keeping the order of the rest.
 *
 * @param model - the key's model (needs `readOnly`; without it nothing is dropped)
 * @param ops - the key's operations (no `drop` roles)
 * @param roles - their roles
 * @param prepared - their compiled forms (an op is a duplicate only of the identical object)
 * @returns the operations kept, their roles and compiled forms (the arrays given, when none is dropped), and how many were dropped
 * @throws never
 * @example
 * // Reads of "a" at 5, 6 and 7 with no other op's edge between: the one at 5 stays.
 * dropRedundantReads(registerModel(), ops, roles, prepared).dropped; // => 2
 */
export function dropRedundantReads<S, P>(
  model: Model<S, P>,
  ops: readonly Operation[],
  roles: readonly OpRole[],
  prepared: readonly P[],
): ReducedKeyOps<P> {
  const n = ops.length;
  const unchanged = (): ReducedKeyOps<P> => ({ ops, roles, prepared, dropped: 0 });
  const readOnly = model.readOnly;
  if (readOnly === undefined || n < 2) return unchanged();

  // Split: instantaneous required read-only ops (points), and the edges of all others.
  let points = new Int32Array(n);
  let pointTimes = new Float64Array(n);
  let m = 0;
  const edgeList: number[] = [];
  let sorted = true;
  for (let i = 0; i < n; i++) {
    const op = ops[i];
    const t = op.invokeAt;
    if (op.completeAt === t && roles[i] === "required" && readOnly(prepared[i])) {
      if (m > 0 && t < pointTimes[m - 1]) sorted = false;
      points[m] = i;
      pointTimes[m++] = t;
    } else {
      edgeList.push(t);
      if (op.completeAt !== undefined) edgeList.push(op.completeAt);
    }
  }
  if (m < 2) return unchanged();
  points = points.subarray(0, m);
  pointTimes = pointTimes.subarray(0, m);
  if (!sorted) {
    const order = Array.from(points).sort((a, b) => ops[a].invokeAt - ops[b].invokeAt || a - b);
    for (let k = 0; k < m; k++) {
      points[k] = order[k];
      pointTimes[k] = ops[order[k]].invokeAt;
    }
  }
  const edges = Float64Array.from(edgeList).sort();

  // For each point: how many edges lie strictly before it (its gap), and whether one is at its instant.
  const gap = new Int32Array(m);
  const onEdge = new Uint8Array(m);
  for (let k = 0, e = 0; k < m; k++) {
    const t = pointTimes[k];
    while (e < edges.length && edges[e] < t) e++;
    gap[k] = e;
    onEdge[k] = e < edges.length && edges[e] === t ? 1 : 0;
  }

  const drop = new Uint8Array(n);
  let dropped = 0;
  let k = 0;
  while (k < m) {
    let end = k;
    if (onEdge[k] === 0) {
      const p = prepared[points[k]];
      const g = gap[k];
      while (end + 1 < m && onEdge[end + 1] === 0 && gap[end + 1] === g && prepared[points[end + 1]] === p) end++;
    }
    // Ties with an instantaneous op outside the run: keep the run whole.
    const clearBefore = k === 0 || pointTimes[k - 1] < pointTimes[k];
    const clearAfter = end === m - 1 || pointTimes[end + 1] > pointTimes[end];
    if (end > k && clearBefore && clearAfter) {
      for (let j = k + 1; j <= end; j++) drop[points[j]] = 1;
      dropped += end - k;
    }
    k = end + 1;
  }
  if (dropped === 0) return unchanged();
  const keptOps: Operation[] = [];
  const keptRoles: OpRole[] = [];
  const keptPrepared: P[] = [];
  for (let i = 0; i < n; i++) {
    if (drop[i] === 1) continue;
    keptOps.push(ops[i]);
    keptRoles.push(roles[i]);
    keptPrepared.push(prepared[i]);
  }
  return { ops: keptOps, roles: keptRoles, prepared: keptPrepared, dropped };
}
