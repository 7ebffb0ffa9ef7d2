/**
 * @module chubby/timer-table
 *
 * The closures of one world's pending timers, by timer id. The world numbers
 * timers 1, 2, 3, ... and most fire or are cancelled soon after being set, so
 * the pending ones lie in a window just behind the newest id: an array over
 * that window (slot = id - base) beats a map insert and delete per timer.
 * The window's dead front is cut off now and then, so a long run keeps about
 * as many slots as ids were set since its oldest pending timer, not one per
 * timer ever set.
 */
import { WorldError } from "./world/index.js";

/** How many slots the window may have before it is worth cutting its front. */
const MIN_COMPACT = 4096;
/** Try to cut the front every this many removals (a cut scans the front). */
const COMPACT_EVERY = 1024;

/**
 * Pending timer closures by timer id, each with the node that owns it.
 *
 * @typeParam O - the owner type (a node)
 * @example
 * const t = new TimerTable<string>();
 * t.set(1, () => console.log("fired"), "web-1");
 * t.take(1)?.(); // prints "fired"
 * t.take(1);     // => undefined (already taken)
 */
export class TimerTable<O> {
  private fns: ((() => void) | undefined)[] = [];
  private owners: (O | undefined)[] = [];
  /** The timer id of slot 0. */
  private base = 1;
  private live = 0;
  private removals = 0;

  /**
   * How many timers are pending.
   * @example
   * new TimerTable<string>().size; // => 0
   */
  get size(): number {
    return this.live;
  }

  /**
   * How many slots the window holds (pending or not): stays near the number
   * pending plus the ids set since the last cut.
   * @example
   * new TimerTable<string>().span; // => 0
   */
  get span(): number {
    return this.fns.length;
  }

  /**
   * Stores the closure of a new timer.
   *
   * @param id - the timer's id: a positive integer above every id set before
   * @param fn - what to run when it fires
   * @param owner - the node that set it
   * @returns nothing
   * @throws {WorldError} ERR_WORLD_INPUT when `id` is not an integer above every id set before
   * @example
   * new TimerTable<string>().set(1, () => {}, "r1");
   */
  set(id: number, fn: () => void, owner: O): void {
    const k = id - this.base;
    if (!(Number.isSafeInteger(id) && k >= this.fns.length)) {
      throw new WorldError("ERR_WORLD_INPUT", `timer id ${id} must be an integer above every id set before`);
    }
    while (this.fns.length < k) {
      this.fns.push(undefined);
      this.owners.push(undefined);
    }
    this.fns.push(fn);
    this.owners.push(owner);
    this.live++;
  }

  /**
   * Removes a pending timer's closure and returns it.
   *
   * @param id - the timer's id
   * @param owner - if given, only a timer of this owner is taken
   * @returns the closure, or undefined when the id is not pending here (or has another owner)
   * @throws never
   * @example
   * new TimerTable<string>().take(7); // => undefined
   */
  take(id: number, owner?: O): (() => void) | undefined {
    const k = id - this.base;
    if (!(k >= 0 && k < this.fns.length)) return undefined;
    const fn = this.fns[k];
    if (fn === undefined || (owner !== undefined && this.owners[k] !== owner)) return undefined;
    this.fns[k] = undefined;
    this.owners[k] = undefined;
    this.removed(1);
    return fn;
  }

  /**
   * Forgets every pending timer of one owner (its node crashed: the world
   * dropped those timers, so they never fire or get cancelled).
   *
   * @param owner - the node
   * @returns how many were forgotten
   * @throws never
   * @example
   * const t = new TimerTable<string>(); t.set(1, () => {}, "r1"); t.dropOwner("r1"); // => 1
   */
  dropOwner(owner: O): number {
    let n = 0;
    for (let k = 0; k < this.owners.length; k++) {
      if (this.owners[k] === owner && this.fns[k] !== undefined) {
        this.fns[k] = undefined;
        this.owners[k] = undefined;
        n++;
      }
    }
    if (n > 0) this.removed(n);
    return n;
  }

  private removed(n: number): void {
    this.live -= n;
    this.removals += n;
    if (this.removals < COMPACT_EVERY) return;
    this.removals = 0;
    const len = this.fns.length;
    if (len < MIN_COMPACT) return;
    let f = 0;
    while (f < len && this.fns[f] === undefined) f++;
    // Cut only a front worth the copy: at least half the window.
    if (f < len >> 1) return;
    this.fns = this.fns.slice(f);
    this.owners = this.owners.slice(f);
    this.base += f;
  }
}
