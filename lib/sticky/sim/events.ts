/**
 * @module sticky/sim/events
 *
 * The simulation's future-event list: a binary min-heap ordered by virtual
 * time, then by a priority (membership events before requests at the same
 * instant), then by insertion order, so that ties never depend on heap
 * layout and every run with the same seed replays identically.
 */

/** One scheduled item: `payload` happens at virtual time `time` (seconds). */
export interface Scheduled<T> {
  /** Virtual time in seconds. */
  time: number;
  /** Lower runs first among equal times. */
  priority: number;
  /** Insertion number: the final tie-breaker (first scheduled, first run). */
  seq: number;
  /** What happens. */
  payload: T;
}

/**
 * A deterministic priority queue of future events.
 *
 * @example
 * const q = new EventQueue<string>();
 * q.push(2, 0, "b"); q.push(1, 0, "a");
 * q.pop()?.payload; // => "a"
 */
export class EventQueue<T> {
  private readonly heap: Scheduled<T>[] = [];
  private seq = 0;

  /** How many events are waiting. */
  get size(): number {
    return this.heap.length;
  }

  /**
   * Schedules `payload` at `time`.
   *
   * @param time - virtual time in seconds (finite)
   * @param priority - lower runs first among equal times
   * @param payload - the event
   * @returns nothing
   * @throws {RangeError} when time is not finite
   * @example
   * new EventQueue<number>().push(0, 0, 1);
   */
  push(time: number, priority: number, payload: T): void {
    if (!Number.isFinite(time)) throw new RangeError(`event time must be finite, got ${time}`);
    const h = this.heap;
    h.push({ time, priority, seq: this.seq++, payload });
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!before(h[i], h[p])) break;
      [h[i], h[p]] = [h[p], h[i]];
      i = p;
    }
  }

  /**
   * Removes and returns the earliest event.
   *
   * @returns the earliest event, or undefined when empty
   * @throws never
   * @example
   * new EventQueue<number>().pop(); // => undefined
   */
  pop(): Scheduled<T> | undefined {
    const h = this.heap;
    if (h.length === 0) return undefined;
    const top = h[0];
    const last = h.pop() as Scheduled<T>;
    if (h.length > 0) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && before(h[l], h[m])) m = l;
        if (r < h.length && before(h[r], h[m])) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m], h[i]];
        i = m;
      }
    }
    return top;
  }
}

function before<T>(a: Scheduled<T>, b: Scheduled<T>): boolean {
  if (a.time !== b.time) return a.time < b.time;
  if (a.priority !== b.priority) return a.priority < b.priority;
  return a.seq < b.seq;
}
