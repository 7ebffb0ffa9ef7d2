/**
 * @module chubby/check/linearizability
 *
 * A linearizability checker in the style of Knossos and Porcupine: the
 * Wing & Gong search with Lowe's memoization (a cache of (set of linearized
 * operations, model state) configurations already explored), and two of
 * Lowe's refinements: just-in-time order (the op that must complete first is
 * tried first) and reads that fit the current state taken at once (a read
 * changes nothing, so no other order needs trying).
 *
 * A history is linearizable when every operation can be given one instant
 * inside its `[invokeAt, completeAt]` interval such that, run one at a time
 * in that order, the sequential model returns what each call reported.
 * Operations that timed out (`unknown`) may take effect at any instant after
 * their invocation, or never. Ties are lenient: an operation completing at
 * the very instant another is invoked counts as concurrent with it, so a
 * violation is never reported on a tie.
 *
 * Linearizability is compositional (Herlihy & Wing): a history is
 * linearizable iff its restriction to each key is, so each key is searched
 * on its own. The search is iterative (an explicit stack, no recursion) and
 * bounded: past `maxSteps` steps on a key it answers `unknown` instead of
 * hanging. A timed-out write stays a candidate only until the last op that
 * could observe its value completes (the model's horizon), so timed-out ops
 * do not blow up the search. Instantaneous reads (a cache hit) that repeat an
 * earlier read with no other operation's edge in between are left out first:
 * they cannot change the verdict (`redundant-reads.ts` has the proof), and
 * they are most of a simulated hour. On a violation the checker shrinks the key's history to a small
 * sub-history that is itself not linearizable, using only steps that cannot
 * create a violation (leaving out reads, relaxing writes to "may have
 * happened"), and reports those operations.
 */
import { CheckError } from "./errors.js";
import { type Operation, formatOp, validateOperations } from "./history.js";
import { type Model, type OpRole, defaultRole, registerModel } from "./models.js";
import { dropRedundantReads } from "./redundant-reads.js";

/** Options of {@link checkLinearizable}. */
export interface LinearizabilityOptions {
  /** The sequential specification of one key (default: {@link registerModel}). */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  model?: Model<any, any>;
  /** The search budget per key, in search steps: choices tried plus candidates scanned (default 5,000,000). */
  maxSteps?: number;
  /** Shrink a counterexample (default true); else report the key's whole history. */
  minimize?: boolean;
  /** At most this many re-checks while shrinking (default 300). */
  minimizeChecks?: number;
  /**
   * Leave out the instantaneous reads that cannot change the verdict before
   * searching (default true; see `redundant-reads.ts`). Off: every read is searched.
   */
  dropRedundantReads?: boolean;
}

/** The history is linearizable. */
export interface LinearizableOk {
  ok: true;
  /** How many keys were checked. */
  keys: number;
  /** How many operations took part (after dropping failed calls and the like). */
  operations: number;
  /** Of those, instantaneous reads explained by an identical earlier read (never searched). */
  redundantReads: number;
  /** Search steps over all keys. */
  steps: number;
}

/** The history is not linearizable: `key`'s operations admit no order. */
export interface LinearizableViolation {
  ok: false;
  key: string;
  /** A small sub-history of `key` that is itself not linearizable, by invocation time. */
  counterexample: Operation[];
  /** The operation no order could explain, at the deepest point of the search. */
  culprit: Operation;
  /** A summary line, then one line per counterexample operation. */
  message: string;
  steps: number;
}

/** The budget ran out on `key` before a verdict (and no other key failed). */
export interface LinearizableUnknown {
  ok: "unknown";
  key: string;
  reason: "search budget exceeded";
  steps: number;
}

/** What {@link checkLinearizable} found. */
export type LinearizabilityResult = LinearizableOk | LinearizableViolation | LinearizableUnknown;

const DEFAULT_MAX_STEPS = 5_000_000;
const DEFAULT_MINIMIZE_CHECKS = 300;

/** One key's operations, ready for the search. */
interface KeyHistory<P> {
  ops: Operation[];
  prepared: P[];
  required: boolean[];
  /** Required ops: their completion; optional ops: their horizon (Infinity: none). */
  until: number[];
}

interface Outcome {
  verdict: "ok" | "fail" | "budget";
  steps: number;
  /** Most operations linearized at once. */
  depth: number;
  /** Index of the op whose completion could not be reached at that depth (-1 if none). */
  culprit: number;
  /** The model state at that point. */
  culpritState: unknown;
}

/** A node of the event list: an op's invocation (`call`), or its completion or horizon. */
interface EventNode {
  op: number;
  call: boolean;
  time: number;
  match: EventNode | null;
  prev: EventNode | null;
  next: EventNode | null;
}

/**
 * The Wing & Gong / Lowe search over one key, iterative and bounded.
 *
 * Events (invocations, completions, horizons) sit in a doubly linked list by
 * time. At each configuration the ops invoked before the earliest pending
 * end node are the candidates; linearizing one lifts its nodes out of the
 * list, backtracking puts them back. A configuration is the set of resolved
 * ops plus the model state; each one is explored at most once (the cache),
 * which bounds the search by the number of distinct configurations.
 */
function search<S, P>(model: Model<S, P>, key: string, h: KeyHistory<P>, maxSteps: number): Outcome {
  const n = h.ops.length;
  let remaining = 0;
  const callOf: EventNode[] = [];
  const ends: EventNode[] = [];
  for (let i = 0; i < n; i++) {
    const op = h.ops[i];
    const call: EventNode = { op: i, call: true, time: op.invokeAt, match: null, prev: null, next: null };
    callOf.push(call);
    if (h.required[i]) remaining++;
    // A required op's completion, or an optional op's horizon (if finite).
    if (h.until[i] !== Infinity) {
      const end: EventNode = { op: i, call: false, time: h.until[i], match: null, prev: null, next: null };
      call.match = end;
      ends.push(end);
    }
  }
  // By time; at a tie invocations first (lenient: touching intervals are concurrent).
  // The calls are in that order already (ops come by invocation time): sort the
  // end nodes alone (often sorted too) and merge, which gives the same order.
  const byEnd = (a: EventNode, b: EventNode): number => a.time - b.time || a.op - b.op;
  let endsSorted = true;
  for (let k = 1; k < ends.length && endsSorted; k++) if (byEnd(ends[k - 1], ends[k]) > 0) endsSorted = false;
  if (!endsSorted) ends.sort(byEnd);
  const head: EventNode = { op: -1, call: false, time: -Infinity, match: null, prev: null, next: null };
  let last = head;
  const link = (nd: EventNode): void => {
    last.next = nd;
    nd.prev = last;
    last = nd;
  };
  let ci = 0;
  let ei = 0;
  while (ci < callOf.length || ei < ends.length) {
    if (ei >= ends.length || (ci < callOf.length && callOf[ci].time <= ends[ei].time)) link(callOf[ci++]);
    else link(ends[ei++]);
  }

  // The set of resolved ops, kept compact: ops are in invocation order, every op
  // before `frontier` is resolved (ops without an end are tracked apart, since they
  // may stay unresolved forever), and `above` resolved ops lie past the frontier.
  const resolved = new Uint8Array(n);
  const unbounded: boolean[] = h.until.map((u) => u === Infinity);
  const openIdx: number[] = [];
  for (let i = 0; i < n; i++) if (unbounded[i]) openIdx.push(i);
  let frontier = 0;
  let above = 0;
  const advance = (): void => {
    while (frontier < n && (resolved[frontier] === 1 || unbounded[frontier])) {
      if (!unbounded[frontier]) above--;
      frontier++;
    }
  };
  advance();
  const mark = (i: number): void => {
    resolved[i] = 1;
    if (unbounded[i]) return;
    above++;
    if (i === frontier) advance();
  };
  const unmark = (i: number): void => {
    resolved[i] = 0;
    if (unbounded[i]) return;
    if (i < frontier) {
      for (let j = i + 1; j < frontier; j++) if (!unbounded[j]) above++;
      frontier = i;
    } else above--;
  };
  // Configurations (ops resolved, state) already explored: each one failed.
  const cache = new Set<string>();
  const buf: number[] = [];
  const configKey = (s: S): string => {
    let openResolved = 0;
    for (const j of openIdx) if (resolved[j] === 1) openResolved++;
    buf.length = 0;
    buf.push(frontier & 0xffff, frontier >>> 16, above & 0xffff, above >>> 16, openResolved & 0xffff, openResolved >>> 16);
    for (let j = frontier + 1, found = 0; found < above; j++) {
      if (resolved[j] === 1 && !unbounded[j]) {
        const d = j - frontier;
        buf.push(d & 0xffff, d >>> 16);
        found++;
      }
    }
    for (const j of openIdx) if (resolved[j] === 1) buf.push(j & 0xffff, j >>> 16);
    return String.fromCharCode.apply(null, buf) + model.stateKey(s);
  };
  const readOnly = h.prepared.map((p) => (model.readOnly ? model.readOnly(p) : false));
  let state = model.init(key);
  let steps = 0;
  let depth = 0;
  let culprit = -1;
  let culpritState: unknown = state;

  const lift = (e: EventNode): void => {
    (e.prev as EventNode).next = e.next;
    if (e.next) e.next.prev = e.prev;
    const m = e.match;
    if (m) {
      (m.prev as EventNode).next = m.next;
      if (m.next) m.next.prev = m.prev;
    }
  };
  const unlift = (e: EventNode): void => {
    const m = e.match;
    if (m) {
      (m.prev as EventNode).next = m;
      if (m.next) m.next.prev = m;
    }
    (e.prev as EventNode).next = e;
    if (e.next) e.next.prev = e;
  };

  // The path: ops resolved so far (applied, or skipped at their horizon) and the state before each.
  const path: number[] = [];
  const before: S[] = [];
  /**
   * Resolves op `i` into state `next` unless that configuration was explored
   * already. A forced move (a read that fits, the only choice) skips the cache:
   * the configurations around it are cached, so a revisit costs one step, and
   * most operations are such reads (the cache key is the costly part).
   */
  const resolve = (i: number, next: S, forced: boolean): boolean => {
    mark(i);
    // Only a dead configuration can be met again (a live one is on the path, and its
    // subtree resolves more ops), so keys go in when a frame dies: no key work at all
    // while the search has never backtracked.
    if (!forced && cache.size > 0 && cache.has(configKey(next))) {
      unmark(i);
      return false;
    }
    path.push(i);
    before.push(state);
    state = next;
    lift(callOf[i]);
    if (h.required[i]) remaining--;
    return true;
  };
  const undo = (): void => {
    const i = path.pop() as number;
    state = before.pop() as S;
    unmark(i);
    unlift(callOf[i]);
    if (h.required[i]) remaining++;
  };

  // A frame: the choices at one configuration, in the order to try them; `~op` skips an
  // optional op at its horizon. `due` is the op of the earliest end node, if required.
  // Frames live in flat stacks (no object per configuration): frame k's choices are
  // choiceStack[fStart[k] .. fEnd[k]), the next one to try at fCursor[k].
  const choiceStack: number[] = [];
  const fStart: number[] = [];
  const fEnd: number[] = [];
  const fCursor: number[] = [];
  const fDue: number[] = [];
  /** 1 when the only choice is a read that fits now. */
  const fForced: number[] = [];
  const cands: number[] = [];
  const later: number[] = [];
  /**
   * Pushes the frame of the current configuration: ops invoked before the earliest
   * pending end node. A read-only op that fits now is the only choice (it changes
   * nothing and everything that had to precede it already has, so if the
   * history can be linearized from here it can with that op next). Otherwise:
   * skipping an optional op whose horizon came, or the op that is due first
   * (just-in-time), then the ops that would let the due op go next, then the
   * others in invocation order.
   */
  // After a forced read that left the state object as it was and did not lift the first
  // end node, the next configuration's candidates are the last ones minus that read, and
  // (step being pure) none before it can be forced: `open` then resumes the scan there.
  let firstEnd: EventNode | null = null;
  let forcedAt = -1;
  let resume = false;
  const open = (): void => {
    let e: EventNode | null;
    let from = 0;
    if (resume) {
      resume = false;
      cands.splice(forcedAt, 1);
      from = forcedAt;
      e = firstEnd;
    } else {
      cands.length = 0;
      e = head.next;
      while (e !== null && e.call) {
        cands.push(e.op);
        e = e.next;
      }
      firstEnd = e;
    }
    // Scanning the candidates is work too: count it against the budget.
    steps += cands.length;
    const start = choiceStack.length;
    fStart.push(start);
    fCursor.push(start);
    for (let k = from; k < cands.length; k++) {
      const c = cands[k];
      if (readOnly[c] && model.step(state, h.prepared[c]) !== undefined) {
        forcedAt = k;
        choiceStack.push(c);
        fEnd.push(start + 1);
        fDue.push(-1);
        fForced.push(1);
        return;
      }
    }
    let due = -1;
    if (e !== null) {
      if (h.required[e.op]) {
        due = e.op;
        choiceStack.push(e.op);
      } else choiceStack.push(~e.op);
    }
    if (due >= 0 && model.step(state, h.prepared[due]) === undefined) {
      // The due op cannot go now: first try the ops after which it could (the write of the
      // value a read is waiting for), then the rest.
      later.length = 0;
      for (const c of cands) {
        if (c === due) continue;
        const next = model.step(state, h.prepared[c]);
        if (next !== undefined && model.step(next, h.prepared[due]) !== undefined) choiceStack.push(c);
        else later.push(c);
      }
      for (const c of later) choiceStack.push(c);
    } else {
      for (const c of cands) if (c !== due) choiceStack.push(c);
    }
    fEnd.push(choiceStack.length);
    fDue.push(due);
    fForced.push(0);
  };

  open();
  for (;;) {
    if (remaining === 0) return { verdict: "ok", steps, depth: path.length, culprit: -1, culpritState: state };
    const top = fStart.length - 1;
    const cur = fCursor[top];
    if (cur >= fEnd[top]) {
      // Every choice failed: this configuration is dead; backtrack.
      const due = fDue[top];
      if (due >= 0 && (path.length > depth || culprit < 0)) {
        depth = path.length;
        culprit = due;
        culpritState = state;
      }
      // Remember it (unless a forced choice led here: those were never memoised).
      if (top > 0 && fForced[top - 1] === 0) cache.add(configKey(state));
      choiceStack.length = fStart[top];
      fStart.pop();
      fEnd.pop();
      fCursor.pop();
      fDue.pop();
      fForced.pop();
      if (fStart.length === 0) return { verdict: "fail", steps, depth, culprit, culpritState };
      undo();
      continue;
    }
    if (++steps > maxSteps) return { verdict: "budget", steps, depth, culprit, culpritState };
    const c = choiceStack[cur];
    fCursor[top] = cur + 1;
    const i = c < 0 ? ~c : c;
    const next = c < 0 ? state : model.step(state, h.prepared[i]);
    if (next === undefined) continue;
    const forced = fForced[top] === 1;
    // A forced choice is the first (and only) try of the frame just opened: `cands` still holds its scan.
    const reuse = forced && next === state && (firstEnd === null || callOf[i].match !== firstEnd);
    if (resolve(i, next, forced)) {
      resume = reuse;
      open();
    }
  }
}

/** Level of an op while shrinking: 2 as recorded, 1 relaxed to "may have happened", 0 left out. */
type Level = 0 | 1 | 2;

/** Builds a key's history from ops at given roles, with the model's horizons for optional ops. */
function buildKeyHistory<S, P>(
  model: Model<S, P>,
  ops: readonly Operation[],
  roles: readonly OpRole[],
  prepared: readonly P[],
): KeyHistory<P> {
  const kept: number[] = [];
  for (let i = 0; i < ops.length; i++) if (roles[i] !== "drop") kept.push(i);
  // Invocation order: the search's compact set of resolved ops relies on it.
  const byInvoke = (a: number, b: number): number => ops[a].invokeAt - ops[b].invokeAt || a - b;
  let sorted = true;
  for (let k = 1; k < kept.length && sorted; k++) if (byInvoke(kept[k - 1], kept[k]) > 0) sorted = false;
  if (!sorted) kept.sort(byInvoke);
  const horizon = model.horizon ? model.horizon(kept.map((i) => ops[i]), kept.map((i) => roles[i])) : null;
  const out: KeyHistory<P> = { ops: [], prepared: [], required: [], until: [] };
  kept.forEach((i, j) => {
    const required = roles[i] === "required";
    const until = required ? (ops[i].completeAt as number) : horizon ? horizon[j] : Infinity;
    if (until === -Infinity) return;
    out.ops.push(ops[i]);
    out.prepared.push(prepared[i]);
    out.required.push(required);
    out.until.push(until);
  });
  return out;
}

/**
 * Shrinks a failing key history with sound steps only, i.e. steps that cannot
 * turn a linearizable history into a non-linearizable one, so the result
 * still proves the original's failure:
 *
 * 1. cut at the instant `cut` (the culprit's completion): leave out ops invoked
 *    after it, reads still running at it, and relax writes still running at it
 *    to "may have happened" (a linearization of the whole history, stopped
 *    after the last op that completed by then, is one of the cut history);
 * 2. leave out read-only ops, in chunks then one by one (ddmin style);
 * 3. relax the remaining writes to "may have happened", the same way.
 *
 * Each trial that still fails is kept. Trials share a step budget.
 */
function shrink<S, P>(
  model: Model<S, P>,
  key: string,
  ops: readonly Operation[],
  roles: readonly OpRole[],
  prepared: readonly P[],
  cut: number,
  budget: { steps: number; perCheck: number; checks: number },
): { history: KeyHistory<P>; outcome: Outcome; steps: number } {
  const level: Level[] = roles.map((r) => (r === "required" ? 2 : r === "optional" ? 1 : 0));
  const readOnly = prepared.map((p) => (model.readOnly ? model.readOnly(p) : false));
  const lowered = (i: number): Level => (readOnly[i] ? 0 : 1);
  const rolesOf = (lv: readonly Level[]): OpRole[] => lv.map((l) => (l === 2 ? "required" : l === 1 ? "optional" : "drop"));
  let steps = 0;
  let checks = 0;
  const fails = (lv: readonly Level[]): boolean => {
    const left = budget.steps - steps;
    if (checks >= budget.checks || left <= 0) return false;
    checks++;
    const o = search(model, key, buildKeyHistory(model, ops, rolesOf(lv), prepared), Math.min(left, budget.perCheck));
    steps += o.steps;
    return o.verdict === "fail";
  };

  // 1. The cut.
  const trial = level.slice();
  let changed = false;
  for (let i = 0; i < ops.length; i++) {
    if (trial[i] === 0) continue;
    const op = ops[i];
    const running = trial[i] === 1 || op.completeAt === undefined || op.completeAt > cut;
    const next: Level = op.invokeAt > cut ? 0 : running ? (readOnly[i] ? 0 : 1) : trial[i];
    if (next !== trial[i]) {
      trial[i] = next;
      changed = true;
    }
  }
  if (changed && fails(trial)) for (let i = 0; i < ops.length; i++) level[i] = trial[i];

  // 2 and 3. Greedy chunks, halving down to single ops.
  const lower = (candidates: number[]): void => {
    let size = Math.ceil(candidates.length / 2);
    while (size >= 1) {
      let start = 0;
      while (start < candidates.length) {
        const chunk = candidates.slice(start, start + size);
        const t = level.slice();
        for (const i of chunk) t[i] = lowered(i);
        if (fails(t)) {
          for (const i of chunk) level[i] = t[i];
          candidates = candidates.slice(0, start).concat(candidates.slice(start + size));
        } else start += size;
      }
      if (size === 1) break;
      size = Math.ceil(size / 2);
    }
  };
  const required = (): number[] => level.map((l, i) => (l === 2 ? i : -1)).filter((i) => i >= 0);
  lower(required().filter((i) => readOnly[i]));
  lower(required().filter((i) => !readOnly[i]));

  const history = buildKeyHistory(model, ops, rolesOf(level), prepared);
  const outcome = search(model, key, history, budget.perCheck);
  steps += outcome.steps;
  return { history, outcome, steps };
}

function positiveInt(v: number | undefined, dflt: number, what: string): number {
  if (v === undefined) return dflt;
  if (!Number.isSafeInteger(v) || v < 1) throw new CheckError("ERR_CHECK_INPUT", `${what} must be a positive integer, got ${v}`);
  return v;
}

/**
 * Checks that a history of client operations is linearizable, key by key,
 * against a sequential model (a register per key by default).
 *
 * @param operations - the client calls, in any order
 * @param options - the model, the search budget per key, shrinking
 * @returns `{ ok: true }`, `{ ok: false, key, counterexample, culprit, message }`,
 *   or `{ ok: "unknown", reason: "search budget exceeded" }` when a key's search
 *   ran out of budget and no key was found to fail
 * @throws {CheckError} `ERR_CHECK_HISTORY` on a malformed operation,
 *   `ERR_CHECK_MODEL` on an op the model cannot interpret,
 *   `ERR_CHECK_INPUT` on a bad option
 * @example
 * checkLinearizable([
 *   { id: 1, client: "a", op: "write", key: "x", input: 1, status: "ok", invokeAt: 0, completeAt: 10 },
 *   { id: 2, client: "b", op: "read", key: "x", output: null, status: "ok", invokeAt: 20, completeAt: 30 },
 * ]).ok; // => false (a stale read: the write completed before the read began)
 */
export function checkLinearizable(operations: readonly Operation[], options: LinearizabilityOptions = {}): LinearizabilityResult {
  validateOperations(operations);
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const model: Model<any, any> = options.model ?? registerModel();
  const maxSteps = positiveInt(options.maxSteps, DEFAULT_MAX_STEPS, "maxSteps");
  const maxChecks = positiveInt(options.minimizeChecks, DEFAULT_MINIMIZE_CHECKS, "minimizeChecks");
  const minimize = options.minimize ?? true;
  const reduce = options.dropRedundantReads ?? true;

  const byKey = new Map<string, Operation[]>();
  for (const op of operations) {
    const list = byKey.get(op.key);
    if (list) list.push(op);
    else byKey.set(op.key, [op]);
  }

  let steps = 0;
  let counted = 0;
  let redundant = 0;
  let unknown: LinearizableUnknown | null = null;
  for (const [key, all] of byKey) {
    const allOps: Operation[] = [];
    const allRoles: OpRole[] = [];
    const allPrepared: unknown[] = [];
    for (const op of all) {
      const role = model.role ? model.role(op) : defaultRole(op);
      if (role === "drop") continue;
      if (role === "required" && op.completeAt === undefined) {
        throw new CheckError("ERR_CHECK_MODEL", `model ${model.name} requires #${op.id}, which has no completeAt`);
      }
      allOps.push(op);
      allRoles.push(role);
      allPrepared.push(model.prepare ? model.prepare(op) : op);
    }
    const { ops, roles, prepared, dropped } = reduce
      ? dropRedundantReads(model, allOps, allRoles, allPrepared)
      : { ops: allOps, roles: allRoles, prepared: allPrepared, dropped: 0 };
    redundant += dropped;
    counted += dropped;
    const history = buildKeyHistory(model, ops, roles, prepared);
    counted += history.ops.length;
    const outcome = search(model, key, history, maxSteps);
    steps += outcome.steps;
    if (outcome.verdict === "budget") {
      if (unknown === null) unknown = { ok: "unknown", key, reason: "search budget exceeded", steps: 0 };
      continue;
    }
    if (outcome.verdict === "ok") continue;

    let shown = history;
    let last = outcome;
    if (minimize) {
      const culpritOp = history.ops[outcome.culprit];
      const cut = culpritOp?.completeAt ?? Infinity;
      const perCheck = Math.min(maxSteps, Math.max(20_000, 20 * outcome.steps));
      const s = shrink(model, key, ops, roles, prepared, cut, { steps: maxSteps, perCheck, checks: maxChecks });
      steps += s.steps;
      if (s.outcome.verdict === "fail") {
        shown = s.history;
        last = s.outcome;
      }
    }
    const counterexample = shown.ops.slice().sort((a, b) => a.invokeAt - b.invokeAt || a.id - b.id);
    const culprit = shown.ops[last.culprit] ?? counterexample[counterexample.length - 1];
    const state = model.describeState ? model.describeState(last.culpritState) : model.stateKey(last.culpritState);
    const message =
      `key ${JSON.stringify(key)} is not linearizable (${model.name} model): no order of these ` +
      `${counterexample.length} operations explains ${formatOp(culprit)} (the longest order found ends in ${state})\n` +
      counterexample.map((op) => "  " + formatOp(op)).join("\n");
    return { ok: false, key, counterexample, culprit, message, steps };
  }
  if (unknown) return { ...unknown, steps };
  return { ok: true, keys: byKey.size, operations: counted, redundantReads: redundant, steps };
}
