import { describe, it, expect } from "vitest";
import fc from "fast-check";
import { TimerTable } from "../../lib/chubby/timer-table.js";
import { WorldError } from "../../lib/chubby/world/index.js";
import { createRng } from "../../lib/random/index.js";

describe("TimerTable", () => {
  it("hands each closure out once, to its owner only", () => {
    const t = new TimerTable<string>();
    const ran: number[] = [];
    t.set(1, () => ran.push(1), "a");
    t.set(3, () => ran.push(3), "b");
    expect(t.take(3, "a")).toBeUndefined(); // b's timer: not a's to cancel
    t.take(3, "b")?.();
    t.take(1)?.();
    expect(ran).toEqual([3, 1]);
    expect([t.take(1), t.take(2), t.take(99), t.size]).toEqual([undefined, undefined, undefined, 0]);
  });

  it("rejects an id that is not above every id set before", () => {
    const t = new TimerTable<string>();
    t.set(5, () => {}, "a");
    for (const bad of [5, 4, 1.5, Number.NaN]) {
      let code = "none";
      try {
        t.set(bad, () => {}, "a");
      } catch (e) {
        code = e instanceof WorldError ? e.code : "other";
      }
      expect(code).toBe("ERR_WORLD_INPUT");
    }
  });

  it("dropOwner forgets exactly that owner's pending timers", () => {
    const t = new TimerTable<string>();
    for (let id = 1; id <= 10; id++) t.set(id, () => {}, id % 2 === 0 ? "even" : "odd");
    t.take(2);
    expect(t.dropOwner("even")).toBe(4);
    expect(t.size).toBe(5);
    for (let id = 1; id <= 10; id++) expect(t.take(id) !== undefined).toBe(id % 2 === 1);
  });

  it("property: behaves as a map from id to (closure, owner), whatever the order of sets, takes and crashes", () => {
    let compacted = 0;
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 - 1 }), fc.integer({ min: 50, max: 20_000 }), (seed, steps) => {
        const rng = createRng(seed);
        const t = new TimerTable<number>();
        const model = new Map<number, { fn: () => void; owner: number }>();
        let next = 1;
        for (let s = 0; s < steps; s++) {
          const u = rng.uniform();
          if (u < 0.5) {
            next += rng.int(1, 3); // other kinds of timers use ids in between
            const fn = (): void => {};
            const owner = rng.int(0, 4);
            t.set(next, fn, owner);
            model.set(next, { fn, owner });
          } else if (u < 0.995) {
            // Mostly recent ids (timers fire soon), or the oldest pending one, sometimes any id ever set.
            const v = rng.uniform();
            const oldest = model.keys().next().value;
            const id = v < 0.6 ? next - rng.int(0, 30) : v < 0.9 && oldest !== undefined ? oldest : rng.int(1, next);
            const owner = rng.uniform() < 0.2 ? rng.int(0, 4) : undefined;
            const m = model.get(id);
            const expected = m !== undefined && (owner === undefined || m.owner === owner) ? m.fn : undefined;
            expect(t.take(id, owner)).toBe(expected);
            if (expected !== undefined) model.delete(id);
          } else {
            const owner = rng.int(0, 4);
            let n = 0;
            for (const [id, m] of model) if (m.owner === owner) (model.delete(id), n++);
            expect(t.dropOwner(owner)).toBe(n);
          }
          if (t.size !== model.size) expect(t.size).toBe(model.size);
        }
        if (t.span < next / 2) compacted++;
      }),
      { numRuns: 40 },
    );
    expect(compacted).toBeGreaterThan(5);
  });

  it("keeps a window about as wide as the timers pending, not one slot per timer ever set", () => {
    const t = new TimerTable<string>();
    // 200,000 timers, each taken 50 ids after it was set (about 50 pending at any time).
    for (let id = 1; id <= 200_000; id++) {
      t.set(id, () => {}, "n");
      if (id > 50) t.take(id - 50);
    }
    expect(t.size).toBe(50);
    expect(t.span).toBeLessThan(10_000);
  });
});
