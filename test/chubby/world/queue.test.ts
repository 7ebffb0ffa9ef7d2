import { describe, it, expect } from "vitest";
import fc from "fast-check";
import { EventQueue } from "../../../lib/chubby/world/queue.js";
import { WorldError } from "../../../lib/chubby/world/errors.js";

describe("EventQueue", () => {
  it("property: pops in (time, insertion) order, the same as a stable sort by time", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 30 }), { maxLength: 500 }), (times) => {
        const q = new EventQueue<number>();
        times.forEach((t, i) => q.push(t / 4, i));
        const out: number[] = [];
        while (q.pop()) out.push(q.data as number);
        const expected = times.map((t, i) => ({ t, i })).sort((a, b) => a.t - b.t).map((x) => x.i); // Array.sort is stable
        expect(out).toEqual(expected);
      }),
    );
  });

  it("property: interleaved pushes and pops match a sorted reference list", () => {
    const op = fc.oneof(fc.record({ push: fc.double({ min: 0, max: 100, noNaN: true }) }), fc.constant({ pop: true as const }));
    fc.assert(
      fc.property(fc.array(op, { maxLength: 400 }), (ops) => {
        const q = new EventQueue<number>();
        const ref: { t: number; s: number }[] = [];
        let s = 0;
        for (const o of ops) {
          if ("push" in o) {
            const seq = q.push(o.push, s, 1, 2, 3, s);
            expect(seq).toBe(s);
            ref.push({ t: o.push, s: s++ });
            ref.sort((a, b) => a.t - b.t || a.s - b.s);
          } else {
            const e = q.popEvent();
            const r = ref.shift();
            if (r === undefined) expect(e).toBeUndefined();
            else expect(e).toEqual({ time: r.t, seq: r.s, kind: 1, a: 2, b: 3, c: r.s, data: r.s });
          }
          expect(q.size).toBe(ref.length);
          expect(q.peekTime()).toBe(ref.length ? ref[0].t : Infinity);
        }
      }),
    );
  });

  it("carries the integer and number fields of each event and grows past its first capacity", () => {
    const q = new EventQueue<string>();
    for (let i = 999; i >= 0; i--) q.push(i, `e${i}`, i % 7, 5 - i, i * 2, i + 0.5);
    expect(q.size).toBe(1000);
    for (let i = 0; i < 1000; i++) {
      expect(q.pop()).toBe(true);
      expect([q.time, q.kind, q.a, q.b, q.c, q.data]).toEqual([i, i % 7, 5 - i, i * 2, i + 0.5, `e${i}`]);
    }
    expect(q.pop()).toBe(false);
    expect(q.pushed).toBe(1000);
  });

  it("clear empties the queue but keeps numbering", () => {
    const q = new EventQueue<number>();
    q.push(1, 1);
    q.push(2, 2);
    q.clear();
    expect(q.size).toBe(0);
    expect(q.pop()).toBe(false);
    expect(q.push(3, 3)).toBe(2);
    expect(q.popEvent()?.data).toBe(3);
  });

  it("rejects non-finite times with ERR_WORLD_INPUT", () => {
    const q = new EventQueue<number>();
    for (const t of [NaN, Infinity, -Infinity]) {
      expect(() => q.push(t, 0)).toThrow(WorldError);
      try {
        q.push(t, 0);
      } catch (e) {
        expect((e as WorldError).code).toBe("ERR_WORLD_INPUT");
      }
    }
    expect(q.size).toBe(0);
  });
});
