/**
 * @module chubby/sim-node
 *
 * The base of every simulated node of the cell: timers on the node's own
 * clock that run a closure, forgotten when the node crashes.
 *
 * The closures of one world's timers share one {@link TimerTable}, a window
 * indexed by the world's timer id: no map insert and delete per timer.
 */
import type { NodeHandler, World } from "./world/index.js";
import type { Msg } from "./messages.js";
import { TimerTable } from "./timer-table.js";

/** One table per world, shared by its nodes. */
const timerTables = new WeakMap<object, TimerTable<SimNode>>();

/**
 * A node with closure timers; subclasses implement `onMessage` and may
 * override `crashed` / `restarted`.
 *
 * @example
 * class Echo extends SimNode { onMessage(from: string, m: Msg) { this.world.send(this.id, from, m); } }
 */
export abstract class SimNode implements NodeHandler<Msg, string> {
  readonly id: string;
  protected readonly world: World<Msg, string>;
  private readonly fns: TimerTable<SimNode>;

  constructor(world: World<Msg, string>, id: string) {
    this.world = world;
    this.id = id;
    let fns = timerTables.get(world);
    if (fns === undefined) {
      fns = new TimerTable<SimNode>();
      timerTables.set(world, fns);
    }
    this.fns = fns;
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
    const id = this.world.setTimer(this.id, ms > 0 ? ms : 0, tag);
    this.fns.set(id, fn, this);
    return id;
  }

  /** Cancels a timer (no-op for -1 or a timer that already ran). */
  cancel(id: number): void {
    if (id >= 0 && this.fns.take(id, this) !== undefined) this.world.cancelTimer(id);
  }

  abstract onMessage(from: string, msg: Msg): void;

  onTimer(_tag: string, timerId: number): void {
    const fn = this.fns.take(timerId, this);
    if (fn !== undefined) fn();
  }

  onCrash(): void {
    // The world dropped this node's timers: forget their closures.
    this.fns.dropOwner(this);
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
