import { describe, it, expect } from "vitest";
import { RaftError, createRaftSafetyMonitor, type Entry, type RaftState, type RaftView } from "../../../lib/chubby/raft/index.js";

/** A hand-built node state the test edits between observations. */
class Fake implements RaftView {
  state: RaftState = "follower";
  term = 1;
  commitIndex = 0;
  truncations = 0;
  lastTruncatedFrom = 0;
  lease = 0;
  log: Entry[] = [];
  get lastIndex(): number {
    return this.log.length;
  }
  entry(i: number): Entry | undefined {
    return this.log[i - 1];
  }
  leaseValid(): boolean {
    return this.state === "leader" && this.lease > 0;
  }
  leaseRemainingTicks(): number {
    return this.state === "leader" ? this.lease : 0;
  }
  /** Appends entries (term, data) after the current log. */
  add(...items: [number, unknown][]): this {
    for (const [term, data] of items) this.log.push({ term, index: this.log.length + 1, data });
    return this;
  }
  /** Cuts the log from index `from`, as a node reports it. */
  cut(from: number): this {
    this.log.length = from - 1;
    this.truncations++;
    this.lastTruncatedFrom = from;
    return this;
  }
  lead(term: number, lease = 0): this {
    this.state = "leader";
    this.term = term;
    this.lease = lease;
    return this;
  }
}

const props = (m: ReturnType<typeof createRaftSafetyMonitor>): string[] => m.violations().map((v) => v.property);

describe("Raft safety monitor", () => {
  it("a clean history has no violations", () => {
    const mon = createRaftSafetyMonitor(["a", "b"]);
    const a = new Fake().lead(1).add([1, null], [1, "x"]);
    const b = new Fake().add([1, null], [1, "x"]);
    mon.observe("a", a, 1);
    mon.observe("b", b, 2);
    a.commitIndex = 2;
    mon.observe("a", a, 3);
    b.commitIndex = 2;
    mon.observe("b", b, 4);
    expect(mon.violations()).toEqual([]);
    expect(mon.maxCommitted).toBe(2);
  });

  it("catches two leaders in one term (Election Safety)", () => {
    const mon = createRaftSafetyMonitor(["a", "b"]);
    mon.observe("a", new Fake().lead(3), 1);
    expect(mon.observe("b", new Fake().lead(3), 2)).toBe(1);
    expect(mon.violations()).toEqual([{ property: "election-safety", detail: "term 3 has two leaders: a and b", at: 2 }]);
  });

  it("leaders of different terms are fine, and so is one node leading two terms", () => {
    const mon = createRaftSafetyMonitor(["a", "b"]);
    mon.observe("a", new Fake().lead(1), 1);
    mon.observe("b", new Fake().lead(2), 2);
    mon.observe("a", new Fake().lead(3), 3);
    expect(mon.violations()).toEqual([]);
  });

  it("catches a committed entry overwritten with another (State Machine Safety)", () => {
    const mon = createRaftSafetyMonitor(["a", "b"]);
    const a = new Fake().add([1, "x"]);
    a.commitIndex = 1;
    mon.observe("a", a, 1);
    const b = new Fake().add([2, "y"]);
    b.term = 2;
    b.commitIndex = 1;
    mon.observe("b", b, 2);
    expect(props(mon)).toContain("state-machine-safety");
  });

  it("catches a node cutting its own committed entry, and a commit index going back", () => {
    const mon = createRaftSafetyMonitor(["a"]);
    const a = new Fake().add([1, "x"], [1, "y"]);
    a.commitIndex = 2;
    mon.observe("a", a, 1);
    a.cut(2).add([2, "z"]);
    a.commitIndex = 1;
    mon.observe("a", a, 2);
    expect(mon.violations().map((v) => v.detail)).toEqual([
      "a cut committed entries from index 2 (commit index 2)",
      "a moved its commit index back from 2 to 1",
    ]);
  });

  it("catches one (index, term) with different data or a different predecessor (Log Matching)", () => {
    const mon = createRaftSafetyMonitor(["a", "b", "c"]);
    mon.observe("a", new Fake().add([1, "x"], [2, "y"]), 1);
    mon.observe("b", new Fake().add([1, "x"], [2, "other"]), 2);
    mon.observe("c", new Fake().add([2, "w"], [2, "y"]), 3);
    expect(props(mon)).toEqual(["log-matching", "log-matching"]);
  });

  it("catches a leader cutting or rewriting its own log in its term (Leader Append-Only)", () => {
    const mon = createRaftSafetyMonitor(["a", "b"]);
    const a = new Fake().lead(2).add([1, null], [2, "x"]);
    mon.observe("a", a, 1);
    a.cut(2).add([2, "y"]);
    mon.observe("a", a, 2);
    const b = new Fake().lead(3).add([3, "p"], [3, "q"]);
    mon.observe("b", b, 3);
    b.log[1] = { term: 3, index: 2, data: "r" }; // rewritten without reporting a cut
    mon.observe("b", b, 4);
    expect(props(mon)).toEqual(["leader-append-only", "log-matching", "leader-append-only", "log-matching"]);
  });

  it("catches a leader of a higher term that lacks a committed entry (Leader Completeness)", () => {
    const mon = createRaftSafetyMonitor(["a", "b", "c"]);
    const a = new Fake().lead(1).add([1, null], [1, "x"]);
    a.commitIndex = 2;
    mon.observe("a", a, 1);
    mon.observe("c", new Fake().lead(0), 2); // a lower term may lack it
    expect(mon.violations()).toEqual([]);
    mon.observe("b", new Fake().lead(2).add([1, null]), 3);
    expect(props(mon)).toEqual(["leader-completeness"]);
  });

  it("catches an entry committed in a lower term while a higher-term leader lacks it", () => {
    const mon = createRaftSafetyMonitor(["a", "b"]);
    const b = new Fake().lead(2).add([1, null]);
    mon.observe("b", b, 1);
    const a = new Fake().lead(1).add([1, null], [1, "x"]);
    a.commitIndex = 2;
    mon.observe("a", a, 2);
    expect(props(mon)).toEqual(["leader-completeness"]);
  });

  it("catches overlapping valid leases, using the caller's lease end in global time", () => {
    const mon = createRaftSafetyMonitor(["a", "b"]);
    mon.observe("a", new Fake().lead(1, 5), 0, 10);
    mon.observe("b", new Fake().lead(2, 5), 9, 20);
    expect(mon.violations()).toEqual([
      { property: "lease-exclusivity", detail: "overlapping valid leases: b (term 2) holds a lease while a's lease (term 1) runs until 10", at: 9 },
    ]);
  });

  it("a lease that ended, or whose holder is seen without it, does not overlap a later one", () => {
    const mon = createRaftSafetyMonitor(["a", "b", "c"]);
    mon.observe("a", new Fake().lead(1, 5), 0, 10);
    mon.observe("b", new Fake().lead(2, 5), 10, 20); // a's ended at 10
    const b = new Fake().lead(2, 5);
    b.lease = 0; // b sees its lease expire at 12
    mon.observe("b", b, 12);
    mon.observe("c", new Fake().lead(3, 5), 13, 18);
    expect(mon.violations()).toEqual([]);
  });

  it("a crash does not end a lease: the successor must still wait it out", () => {
    const mon = createRaftSafetyMonitor(["a", "b"]);
    mon.observe("a", new Fake().lead(1, 5), 0, 10);
    mon.restart("a");
    mon.observe("a", new Fake(), 2);
    mon.observe("b", new Fake().lead(2, 5), 5, 15);
    expect(props(mon)).toEqual(["lease-exclusivity"]);
  });

  it("rejects unknown or duplicate ids with ERR_RAFT_INPUT", () => {
    const mon = createRaftSafetyMonitor(["a"]);
    expect(() => mon.observe("z", new Fake(), 0)).toThrow(RaftError);
    expect(() => mon.restart("z")).toThrow(RaftError);
    expect(() => createRaftSafetyMonitor(["a", "a"])).toThrow(RaftError);
  });
});
