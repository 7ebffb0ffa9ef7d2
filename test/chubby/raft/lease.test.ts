import { describe, it, expect } from "vitest";
import { type AppendResponse, type RaftMessage } from "../../../lib/chubby/raft/index.js";
import { Cluster } from "./cluster.js";

const ABC = ["a", "b", "c"];
const grants = (msgs: RaftMessage[]): RaftMessage[] =>
  msgs.filter((m) => (m.type === "vote-resp" || m.type === "prevote-resp") && !m.reject);

describe("leader lease", () => {
  it("a new leader has no lease until a majority acknowledges one of its rounds", () => {
    const c = new Cluster(ABC);
    const a = c.nodes.a;
    a.campaign();
    c.deliver((m) => m.type !== "append-resp");
    expect(a.state).toBe("leader");
    expect([a.leaseValid(), a.leaseRemainingTicks()]).toEqual([false, 0]);
    c.deliver();
    expect([a.leaseValid(), a.leaseRemainingTicks()]).toEqual([true, 7]);
  });

  it("the lease runs leaseTicks from the acknowledged round's sending, then lapses without acks", () => {
    const c = new Cluster(ABC);
    const a = c.elect("a"); // round 0 acknowledged
    const left: number[] = [];
    for (let t = 1; t <= 8; t++) {
      c.tick("a");
      c.pending = []; // heartbeats lost
      left.push(a.leaseRemainingTicks());
    }
    expect(left).toEqual([6, 5, 4, 3, 2, 1, 0, 0]);
    expect(a.leaseValid()).toBe(false);
    expect(a.state).toBe("leader"); // still leader (checkQuorum waits for electionTicks)
  });

  it("a late acknowledgement extends the lease from when its round was sent, not from its arrival", () => {
    const c = new Cluster(ABC);
    const a = c.elect("a");
    c.tick("a", 2); // heartbeat round 2
    const held = c.pending;
    c.pending = [];
    c.tick("a", 3); // now tick 5; these rounds are lost
    c.pending = held;
    c.deliver();
    expect(a.ticks).toBe(5);
    expect(a.leaseRemainingTicks()).toBe(2 + 7 - 5);
  });

  it("a rejection in the leader's term also acknowledges the round (the follower accepted the term)", () => {
    const c = new Cluster(ABC);
    const a = c.elect("a");
    c.tick("a", 4);
    c.pending = [];
    const r: AppendResponse = { type: "append-resp", from: "b", to: "a", term: 1, reject: true, index: 9, hintIndex: 1, hintTerm: 1, round: 4 };
    a.step(r);
    expect(a.leaseRemainingTicks()).toBe(7);
  });

  it("a follower that heard from the leader within electionTicks ignores (pre)vote requests; afterwards it answers", () => {
    const c = new Cluster(ABC);
    c.elect("a");
    const b = c.nodes.b;
    const ask = (type: "vote" | "prevote"): RaftMessage[] => {
      b.step({ type, from: "c", to: "b", term: 2, lastIndex: 9, lastTerm: 1 });
      return b.ready().messages;
    };
    c.tick("b", 9);
    expect(ask("prevote")).toEqual([]);
    expect(ask("vote")).toEqual([]);
    expect(b.term).toBe(1); // not even the term moved
    c.tick("b", 1); // 10 ticks since it heard from a
    expect(grants(ask("prevote")).length).toBe(1);
    expect(grants(ask("vote")).length).toBe(1);
    expect([b.term, b.votedFor]).toEqual([2, "c"]);
  });

  it("with the old leader cut off, no vote is granted while its lease is valid, and a new leader follows", () => {
    const c = new Cluster(["a", "b", "c", "d", "e"]);
    const a = c.elect("a");
    expect(a.leaseValid()).toBe(true);
    c.isolate("a");
    const seen = c.sent.length;
    let newLeader = "";
    for (let t = 0; t < 60 && newLeader === ""; t++) {
      c.tickAll(1);
      const granted = grants(c.sent.slice(seen));
      if (granted.length > 0) expect(a.leaseValid()).toBe(false);
      newLeader = c.leaders().find((id) => id !== "a") ?? "";
    }
    expect(newLeader).not.toBe("");
    expect(a.state).toBe("follower"); // CheckQuorum made it step down
  });

  it("checkQuorum: a leader alone for electionTicks steps down; without checkQuorum it stays leader", () => {
    for (const checkQuorum of [true, false]) {
      const c = new Cluster(ABC, { checkQuorum });
      const a = c.elect("a");
      c.isolate("a");
      c.tick("a", 9);
      expect(a.state).toBe("leader");
      c.tick("a", 1);
      expect(a.state).toBe(checkQuorum ? "follower" : "leader");
      expect(a.leaseValid()).toBe(false);
    }
  });

  it("a node restarted from durable state waits one election timeout before voting (it may have acknowledged a lease)", () => {
    const c = new Cluster(ABC);
    c.elect("a");
    c.crash("b");
    const b = c.restart("b");
    const ask = (): RaftMessage[] => {
      b.step({ type: "prevote", from: "c", to: "b", term: 2, lastIndex: 9, lastTerm: 1 });
      return b.ready().messages;
    };
    c.tick("b", 9);
    c.pending = [];
    expect(ask()).toEqual([]);
    c.tick("b", 1);
    c.pending = [];
    expect(grants(ask()).length).toBe(1);
  });

  it("unsafe.noLeaseCheck: any leader believes its lease, and followers vote while they hear from a leader", () => {
    const c = new Cluster(ABC, { unsafe: { noLeaseCheck: true } });
    const a = c.elect("a");
    c.isolate("a");
    c.tick("a", 9); // its real lease ended at tick 7
    expect([a.state, a.leaseValid(), a.leaseRemainingTicks()]).toEqual(["leader", true, 7]);
    const b = c.nodes.b;
    b.step({ type: "prevote", from: "c", to: "b", term: 2, lastIndex: 9, lastTerm: 1 });
    expect(grants(b.ready().messages).length).toBe(1);
  });
});
