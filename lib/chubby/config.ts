/**
 * @module chubby/config
 *
 * The timing of a simulated Chubby cell: Raft ticks, the master lease, the
 * session lease (KeepAlive), the grace period and the client's RPC timeouts,
 * with the paper's defaults (12 s session lease, 45 s grace, a master lease
 * of a few seconds). `resolveTiming` fills in defaults and refuses a
 * configuration that would be unsafe under the given clock drift.
 */
import { ChubbyError } from "./cell/index.js";

/**
 * Timing settings; every field has a default (see {@link DEFAULT_TIMING}).
 * Durations are in ms of a node's own (drifting) clock.
 *
 * @example
 * const t: TimingOptions = { sessionLeaseMs: 12_000, graceMs: 45_000 };
 */
export interface TimingOptions {
  /** A replica ticks its Raft node every tickMs local ms (default 100). */
  tickMs?: number;
  /** Raft's base election timeout in ticks: each wait is drawn in [e, 2e) (default 40, i.e. 4-8 s). */
  electionTicks?: number;
  /** The leader's heartbeat period in ticks (default 5). */
  heartbeatTicks?: number;
  /** The master lease in ticks after the last round a majority acknowledged (default 30, i.e. 3 s). */
  leaseTicks?: number;
  /** The session lease a KeepAlive reply grants (default 12 000 ms, paper §2.8). */
  sessionLeaseMs?: number;
  /** The master answers a held KeepAlive this long before the session lease ends (default 1000 ms). */
  keepAliveMarginMs?: number;
  /** The client's grace period after jeopardy (default 45 000 ms). */
  graceMs?: number;
  /** A client call with no answer within this fails with status unknown (default 3000 ms). */
  rpcTimeoutMs?: number;
  /** A KeepAlive sent in jeopardy or a master-location request waits this long for an answer (default 500 ms). */
  probeTimeoutMs?: number;
  /** Pause before retrying a call a not-yet-ready master turned away (default 200 ms). */
  retryDelayMs?: number;
  /** The largest clock drift |rate - 1| of any node (default 1e-3). */
  clockDrift?: number;
}

/**
 * Timing with every default filled in and checked.
 *
 * @example
 * const t: Timing = resolveTiming({});
 */
export interface Timing {
  readonly tickMs: number;
  readonly electionTicks: number;
  readonly heartbeatTicks: number;
  readonly leaseTicks: number;
  readonly sessionLeaseMs: number;
  readonly keepAliveMarginMs: number;
  readonly graceMs: number;
  readonly rpcTimeoutMs: number;
  readonly probeTimeoutMs: number;
  readonly retryDelayMs: number;
  readonly clockDrift: number;
}

/**
 * The defaults: a master crash is noticed after the election timeout
 * (4-8 s drawn per follower, so the fastest of four is about 4-5 s), the
 * master lease is 3 s, the paper's 12 s session lease and 45 s grace.
 *
 * @example
 * DEFAULT_TIMING.sessionLeaseMs; // => 12000
 */
export const DEFAULT_TIMING: Timing = Object.freeze({
  tickMs: 100,
  electionTicks: 40,
  heartbeatTicks: 5,
  leaseTicks: 30,
  sessionLeaseMs: 12_000,
  keepAliveMarginMs: 1_000,
  graceMs: 45_000,
  rpcTimeoutMs: 3_000,
  probeTimeoutMs: 500,
  retryDelayMs: 200,
  clockDrift: 1e-3,
});

function num(name: string, v: unknown, min: number, integer: boolean): number {
  if (typeof v !== "number" || !Number.isFinite(v) || v < min || (integer && !Number.isInteger(v))) {
    throw new ChubbyError("ERR_CHUBBY_BAD_CONFIG", `${name} must be ${integer ? "an integer" : "a number"} >= ${min}, got ${String(v)}`);
  }
  return v;
}

/**
 * Fills in defaults and checks the timing. Besides ranges it enforces the
 * two drift margins safety rests on: the master lease, as the slowest clock
 * counts it, ends before the fastest clock can count an election timeout
 * (`leaseTicks·(1+d) <= (electionTicks-1)·(1-d)`), and a client's
 * conservative lease (it loses `2d` of the session lease) still ends after
 * the master answers a held KeepAlive (`keepAliveMarginMs > 2d·sessionLeaseMs`).
 *
 * @param options - the caller's settings
 * @returns the complete timing
 * @throws {ChubbyError} ERR_CHUBBY_BAD_CONFIG on a bad value or an unsafe combination
 * @example
 * resolveTiming({ leaseTicks: 40, electionTicks: 40 });
 * // throws ChubbyError ERR_CHUBBY_BAD_CONFIG (the master lease would outlive the election timeout)
 */
export function resolveTiming(options: TimingOptions = {}): Timing {
  if (options === null || typeof options !== "object") throw new ChubbyError("ERR_CHUBBY_BAD_CONFIG", "timing must be an object");
  const o = { ...DEFAULT_TIMING, ...stripUndefined(options) };
  const t: Timing = {
    tickMs: num("tickMs", o.tickMs, 1, false),
    electionTicks: num("electionTicks", o.electionTicks, 2, true),
    heartbeatTicks: num("heartbeatTicks", o.heartbeatTicks, 1, true),
    leaseTicks: num("leaseTicks", o.leaseTicks, 1, true),
    sessionLeaseMs: num("sessionLeaseMs", o.sessionLeaseMs, 1, false),
    keepAliveMarginMs: num("keepAliveMarginMs", o.keepAliveMarginMs, 0, false),
    graceMs: num("graceMs", o.graceMs, 0, false),
    rpcTimeoutMs: num("rpcTimeoutMs", o.rpcTimeoutMs, 1, false),
    probeTimeoutMs: num("probeTimeoutMs", o.probeTimeoutMs, 1, false),
    retryDelayMs: num("retryDelayMs", o.retryDelayMs, 1, false),
    clockDrift: num("clockDrift", o.clockDrift, 0, false),
  };
  const d = t.clockDrift;
  if (d >= 0.2) throw new ChubbyError("ERR_CHUBBY_BAD_CONFIG", `clockDrift must be < 0.2, got ${d}`);
  if (t.heartbeatTicks >= t.leaseTicks) {
    throw new ChubbyError("ERR_CHUBBY_BAD_CONFIG", `heartbeatTicks (${t.heartbeatTicks}) must be < leaseTicks (${t.leaseTicks})`);
  }
  if (t.leaseTicks * (1 + d) > (t.electionTicks - 1) * (1 - d)) {
    throw new ChubbyError(
      "ERR_CHUBBY_BAD_CONFIG",
      `the master lease (${t.leaseTicks} ticks) must end before the election timeout (${t.electionTicks} ticks) under drift ${d}: ` +
        `need leaseTicks*(1+d) <= (electionTicks-1)*(1-d)`,
    );
  }
  if (t.keepAliveMarginMs >= t.sessionLeaseMs / 2) {
    throw new ChubbyError("ERR_CHUBBY_BAD_CONFIG", `keepAliveMarginMs (${t.keepAliveMarginMs}) must be < sessionLeaseMs / 2`);
  }
  if (t.keepAliveMarginMs <= 2 * d * t.sessionLeaseMs) {
    throw new ChubbyError(
      "ERR_CHUBBY_BAD_CONFIG",
      `keepAliveMarginMs (${t.keepAliveMarginMs}) must exceed 2*clockDrift*sessionLeaseMs (${2 * d * t.sessionLeaseMs}) or clients fall into jeopardy before every reply`,
    );
  }
  return Object.freeze(t);
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  const out: Partial<T> = {};
  for (const k of Object.keys(o) as (keyof T)[]) if (o[k] !== undefined) out[k] = o[k];
  return out;
}
