/**
 * @module chubby/world/queue
 *
 * The future-event list of the simulated world: a binary min-heap keyed by
 * (time, sequence number). The sequence number is the insertion order, so
 * events at the same time run first-in, first-out and never depend on the
 * heap's layout: the same pushes always give the same pops.
 *
 * Built for speed: the heap keeps its keys in typed arrays next to a slot
 * index, and each event's fields (a small integer `kind`, two integers `a`,
 * `b`, one number `c` and a `data` reference) sit in slot arrays that do not
 * move while the heap is re-ordered. `pop()` copies the earliest event into
 * public fields (`time`, `seq`, `kind`, `a`, `b`, `c`, `data`) instead of
 * returning a fresh object, so the hot path allocates nothing.
 */
import { WorldError } from "./errors.js";

/** One event as a plain object (from {@link EventQueue.popEvent}, for tests and notebooks). */
export interface QueuedEvent<T> {
  /** When it happens (virtual milliseconds). */
  time: number;
  /** Insertion number: among equal times, lower runs first. */
  seq: number;
  /** A small integer naming what happens (the caller's own codes). */
  kind: number;
  /** First integer field (e.g. a node index). */
  a: number;
  /** Second integer field. */
  b: number;
  /** A number field (e.g. a timer id or an incarnation). */
  c: number;
  /** The payload (e.g. a message), or undefined. */
  data: T | undefined;
}

const INITIAL_CAPACITY = 64;

/**
 * A deterministic, allocation-free priority queue of future events.
 *
 * @example
 * const q = new EventQueue<string>();
 * q.push(2, "b"); q.push(1, "a"); q.push(1, "a2");
 * q.pop(); q.data; // => "a"   (then "a2": same time, pushed later)
 */
export class EventQueue<T> {
  /** Time of the event the last successful `pop()` removed. */
  time = 0;
  /** Sequence number of the last popped event. */
  seq = 0;
  /** `kind` of the last popped event. */
  kind = 0;
  /** `a` of the last popped event. */
  a = 0;
  /** `b` of the last popped event. */
  b = 0;
  /** `c` of the last popped event. */
  c = 0;
  /** `data` of the last popped event. */
  data: T | undefined = undefined;

  private cap = INITIAL_CAPACITY;
  private n = 0;
  private nextSeq = 0;
  // Heap, by position.
  private hTime: Float64Array = new Float64Array(INITIAL_CAPACITY);
  private hSeq: Float64Array = new Float64Array(INITIAL_CAPACITY);
  private hSlot: Int32Array = new Int32Array(INITIAL_CAPACITY);
  // Event fields, by slot (they never move while the heap re-orders).
  private sKind: Int32Array = new Int32Array(INITIAL_CAPACITY);
  private sA: Int32Array = new Int32Array(INITIAL_CAPACITY);
  private sB: Int32Array = new Int32Array(INITIAL_CAPACITY);
  private sC: Float64Array = new Float64Array(INITIAL_CAPACITY);
  private sData: (T | undefined)[] = new Array<T | undefined>(INITIAL_CAPACITY).fill(undefined);
  // Free slots, as a stack.
  private free: Int32Array = new Int32Array(INITIAL_CAPACITY);
  private freeTop = 0;

  constructor() {
    for (let i = 0; i < INITIAL_CAPACITY; i++) this.free[this.freeTop++] = INITIAL_CAPACITY - 1 - i;
  }

  /**
   * How many events are waiting.
   * @example
   * new EventQueue<number>().size; // => 0
   */
  get size(): number {
    return this.n;
  }

  /**
   * How many events were ever pushed (the next sequence number).
   * @example
   * const q = new EventQueue<number>(); q.push(0, 1); q.pushed; // => 1
   */
  get pushed(): number {
    return this.nextSeq;
  }

  /**
   * Schedules an event.
   *
   * @param time - virtual time (finite)
   * @param data - the payload, or undefined
   * @param kind - a small integer (int32) naming what happens; default 0
   * @param a - an int32 field; default 0
   * @param b - an int32 field; default 0
   * @param c - a number field; default 0
   * @returns the event's sequence number
   * @throws {WorldError} ERR_WORLD_INPUT when time is not finite
   * @example
   * new EventQueue<string>().push(5, "hello", 1, 0, 2); // => 0
   */
  push(time: number, data?: T, kind = 0, a = 0, b = 0, c = 0): number {
    if (!Number.isFinite(time)) throw new WorldError("ERR_WORLD_INPUT", `event time must be finite, got ${time}`);
    if (this.freeTop === 0) this.grow();
    const slot = this.free[--this.freeTop];
    this.sKind[slot] = kind;
    this.sA[slot] = a;
    this.sB[slot] = b;
    this.sC[slot] = c;
    this.sData[slot] = data;
    const seq = this.nextSeq++;
    // Sift up with a hole: move parents down until the new key fits.
    const hTime = this.hTime;
    const hSeq = this.hSeq;
    const hSlot = this.hSlot;
    let i = this.n++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const pt = hTime[p];
      if (time < pt || (time === pt && seq < hSeq[p])) {
        hTime[i] = pt;
        hSeq[i] = hSeq[p];
        hSlot[i] = hSlot[p];
        i = p;
      } else break;
    }
    hTime[i] = time;
    hSeq[i] = seq;
    hSlot[i] = slot;
    return seq;
  }

  /**
   * Time of the earliest event, without removing it.
   *
   * @returns the earliest time, or Infinity when empty
   * @throws never
   * @example
   * new EventQueue<number>().peekTime(); // => Infinity
   */
  peekTime(): number {
    return this.n === 0 ? Infinity : this.hTime[0];
  }

  /**
   * Removes the earliest event (lowest time, then lowest sequence number) and
   * copies it into the fields `time`, `seq`, `kind`, `a`, `b`, `c`, `data`.
   *
   * @returns true when an event was removed, false when the queue was empty
   * @throws never
   * @example
   * const q = new EventQueue<string>(); q.push(3, "x", 7);
   * q.pop() && q.kind; // => 7
   */
  pop(): boolean {
    if (this.n === 0) return false;
    const hTime = this.hTime;
    const hSeq = this.hSeq;
    const hSlot = this.hSlot;
    const slot = hSlot[0];
    this.time = hTime[0];
    this.seq = hSeq[0];
    this.kind = this.sKind[slot];
    this.a = this.sA[slot];
    this.b = this.sB[slot];
    this.c = this.sC[slot];
    this.data = this.sData[slot];
    this.sData[slot] = undefined;
    this.free[this.freeTop++] = slot;
    const n = --this.n;
    if (n > 0) {
      // Sift the last entry down from the root with a hole.
      const t = hTime[n];
      const s = hSeq[n];
      const sl = hSlot[n];
      let i = 0;
      for (;;) {
        let m = 2 * i + 1;
        if (m >= n) break;
        let mt = hTime[m];
        const r = m + 1;
        if (r < n) {
          const rt = hTime[r];
          if (rt < mt || (rt === mt && hSeq[r] < hSeq[m])) {
            m = r;
            mt = rt;
          }
        }
        if (mt < t || (mt === t && hSeq[m] < s)) {
          hTime[i] = mt;
          hSeq[i] = hSeq[m];
          hSlot[i] = hSlot[m];
          i = m;
        } else break;
      }
      hTime[i] = t;
      hSeq[i] = s;
      hSlot[i] = sl;
    }
    return true;
  }

  /**
   * Removes the earliest event and returns it as a fresh object (convenient,
   * but allocates: the simulation's hot path uses {@link EventQueue.pop}).
   *
   * @returns the earliest event, or undefined when empty
   * @throws never
   * @example
   * const q = new EventQueue<string>(); q.push(1, "a");
   * q.popEvent()?.data; // => "a"
   */
  popEvent(): QueuedEvent<T> | undefined {
    if (!this.pop()) return undefined;
    return { time: this.time, seq: this.seq, kind: this.kind, a: this.a, b: this.b, c: this.c, data: this.data };
  }

  /**
   * Drops every waiting event (sequence numbers keep counting up).
   * @returns nothing
   * @example
   * const q = new EventQueue<number>(); q.push(1, 1); q.clear(); q.size; // => 0
   */
  clear(): void {
    this.sData.fill(undefined);
    this.n = 0;
    this.freeTop = 0;
    for (let i = 0; i < this.cap; i++) this.free[this.freeTop++] = this.cap - 1 - i;
  }

  private grow(): void {
    const old = this.cap;
    const cap = old * 2;
    const f64 = (src: Float64Array): Float64Array => {
      const d = new Float64Array(cap);
      d.set(src);
      return d;
    };
    const i32 = (src: Int32Array): Int32Array => {
      const d = new Int32Array(cap);
      d.set(src);
      return d;
    };
    this.hTime = f64(this.hTime);
    this.hSeq = f64(this.hSeq);
    this.hSlot = i32(this.hSlot);
    this.sKind = i32(this.sKind);
    this.sA = i32(this.sA);
    this.sB = i32(this.sB);
    this.sC = f64(this.sC);
    for (let i = old; i < cap; i++) this.sData.push(undefined);
    this.free = new Int32Array(cap);
    this.freeTop = 0;
    // Only called when every old slot is in use: the new ones are all free.
    for (let i = cap - 1; i >= old; i--) this.free[this.freeTop++] = i;
    this.cap = cap;
  }
}
