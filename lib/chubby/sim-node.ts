/**
 * @module chubby/sim-node
 *
 * The base of every simulated node of the cell: timers on the node's own
 * clock that run a closure, forgotten when the node crashes.
 *
 * The closure rides in the world's timer itself (its tag), so the world's own
 * bookkeeping does the rest: a cancelled timer never fires, and a crash drops
 * the node's timers with their closures. No table of closures on the side.
 */
import type { NodeHandler, World } from "./world/index.js";
import type { Msg } from "./messages.js";

/**
 * A simulated node's timer as the world carries it: a label for the trace, and what to run.
 * @example
 * const t: SimTimer = { tag: "lease", fn: () => {} };
 */
export interface SimTimer {
  readonly tag: string;
  readonly fn: () => void;
}

/**
 * A node with closure timers; subclasses implement `onMessage` and may
 * override `crashed` / `restarted`.
 *
 * @example
 * class Echo extends SimNode { onMessage(from: string, m: Msg) { this.world.send(this.id, from, m); } }
 */
export abstract class SimNode implements NodeHandler<Msg, SimTimer> {
  readonly id: string;
  protected readonly world: World<Msg, SimTimer>;

  constructor(world: World<Msg, SimTimer>, id: string) {
    this.world = world;
    this.id = id;
  }

  private rateCache = 0;

  /** The node's clock rate (local ms per true ms); read once the node is in the world. */
  get rate(): number {
    if (this.rateCache === 0) this.rateCache = this.world.clockRate(this.id);
    return this.rateCache;
  }

  /** The node's local clock (ms). */
  get localNow(): number {
    // world.localNow(id) is rate * now; the rate is cached, so no lookup by id.
    return this.rate * this.world.now;
  }

  /**
   * Runs `fn` after `ms` of this node's clock.
   * @returns the timer id (for `cancel`)
   */
  timer(ms: number, tag: string, fn: () => void): number {
    return this.world.setTimer(this.id, ms > 0 ? ms : 0, { tag, fn });
  }

  /** Cancels one of this node's timers (no-op for -1 or a timer that already ran). */
  cancel(id: number): void {
    if (id >= 0) this.world.cancelTimer(id, this.id);
  }

  abstract onMessage(from: string, msg: Msg): void;

  onTimer(timer: SimTimer): void {
    timer.fn();
  }

  onCrash(): void {
    this.crashed();
  }

  onRestart(): void {
    this.restarted();
  }

  /** Called after a crash (timers are gone). */
  protected crashed(): void {}

  /** Called after a restart. */
  protected restarted(): void {}
}
