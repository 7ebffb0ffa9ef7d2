import { describe, it, expect } from "vitest";
import fc from "fast-check";
import { createRng } from "../../../lib/random/index.js";
import { createRaftNode, type RaftMessage, type VoteResponse } from "../../../lib/chubby/raft/index.js";
import { BASE, Cluster } from "./cluster.js";

const ABC = ["a", "b", "c"];
const isVoteResp = (m: RaftMessage): m is VoteResponse => m.type === "vote-resp" || m.type === "prevote-resp";

describe("elections", () => {
  it("property: a follower first campaigns after a random timeout in [electionTicks, 2*electionTicks)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1e6 }), fc.integer({ min: 2, max: 30 }), (seed, e) => {
        const node = createRaftNode({ id: "a", peers: ABC, electionTicks: e, heartbeatTicks: 1, leaseTicks: 1, rng: createRng(seed) });
        let t = 0;
        while (node.state === "follower" && t < 3 * e) {
          node.tick();
          t++;
        }
        expect(node.state).toBe("pre-candidate");
        expect(t).toBeGreaterThanOrEqual(e);
        expect(t).toBeLessThan(2 * e);
      }),
    );
  });

  it("a pre-vote round changes no term, then the real election raises it once", () => {
    const c = new Cluster(ABC);
    c.nodes.a.campaign();
    expect(c.nodes.a.state).toBe("pre-candidate");
    expect(c.nodes.a.term).toBe(0);
    c.flush("a");
    expect(c.pending.map((m) => [m.type, m.term])).toEqual([
      ["prevote", 1],
      ["prevote", 1],
    ]);
    c.deliver((m) => m.type === "prevote");
    expect([c.nodes.b.term, c.nodes.c.term]).toEqual([0, 0]); // granting a pre-vote changes nothing
    expect(c.nodes.b.votedFor).toBe(null);
    c.deliver();
    expect(c.nodes.a.state).toBe("leader");
    expect(c.ids.map((id) => c.nodes[id].term)).toEqual([1, 1, 1]);
    expect([c.nodes.b.leaderId, c.nodes.c.leaderId]).toEqual(["a", "a"]);
  });

  it("a new leader appends a no-op entry of its term, which commits everywhere", () => {
    const c = new Cluster(ABC);
    c.elect("a");
    for (const id of ABC) {
      expect(c.nodes[id].entry(1)).toEqual({ term: 1, index: 1, data: null });
      expect(c.nodes[id].commitIndex).toBe(1);
    }
    expect(c.nodes.a.committedCurrentTerm).toBe(true);
  });

  it("without pre-vote, campaigning raises the term and votes for itself at once", () => {
    const c = new Cluster(ABC, { preVote: false });
    c.nodes.a.campaign();
    expect([c.nodes.a.state, c.nodes.a.term, c.nodes.a.votedFor]).toEqual(["candidate", 1, "a"]);
    c.deliver();
    expect(c.nodes.a.state).toBe("leader");
  });

  it("a vote goes only to a candidate whose log is at least as up to date (§5.4.1), and still raises the term", () => {
    const c = new Cluster(ABC);
    c.elect("a");
    c.nodes.a.propose("x");
    c.deliver(); // every log: [no-op@1, x@1]
    c.idle(ABC, 10); // time passes, nobody hears a leader
    const b = c.nodes.b;
    const ask = (term: number, lastIndex: number, lastTerm: number): boolean => {
      b.step({ type: "vote", from: "c", to: "b", term, lastIndex, lastTerm });
      const r = b.ready().messages.find(isVoteResp);
      return r !== undefined && !r.reject;
    };
    expect(ask(5, 1, 1)).toBe(false); // shorter log, same last term
    expect(b.term).toBe(5);
    expect(ask(6, 2, 0)).toBe(false); // as long, older last term
    expect(ask(7, 2, 1)).toBe(true); // same last entry
    expect(ask(8, 1, 2)).toBe(true); // shorter, but a newer last term wins
    expect([b.term, b.votedFor]).toEqual([8, "c"]);
  });

  it("pre-vote is refused to a candidate with a stale log too", () => {
    const c = new Cluster(ABC);
    c.elect("a");
    c.nodes.a.propose("x");
    c.deliver((m) => m.to !== "c" && m.from !== "c"); // c misses "x"
    c.pending = [];
    c.idle(ABC, 20); // the leader steps down after 10 ticks alone, then waits out its own lease
    c.nodes.c.campaign();
    c.deliver((m) => m.type === "prevote" || m.type === "prevote-resp");
    const answers = c.sent.filter((m) => m.type === "prevote-resp" && m.to === "c") as VoteResponse[];
    expect(answers.map((m) => m.reject)).toEqual([true, true]);
    expect(c.nodes.c.state).toBe("follower");
    expect(c.nodes.c.term).toBe(1);
  });

  it("one vote per term: a voter that voted for b refuses c in the same term", () => {
    const c = new Cluster(ABC, { preVote: false });
    c.nodes.b.campaign();
    c.nodes.c.campaign();
    c.flushAll();
    c.deliver((m) => m.type === "vote" && m.from === "b" && m.to === "a");
    c.deliver((m) => m.type === "vote" && m.from === "c" && m.to === "a");
    const fromA = c.sent.filter((m) => m.from === "a" && isVoteResp(m)) as VoteResponse[];
    expect(fromA.map((m) => [m.to, m.reject])).toEqual([
      ["b", false],
      ["c", true],
    ]);
    expect(c.nodes.a.votedFor).toBe("b");
  });

  it("any message with a higher term turns a leader into a follower of that term", () => {
    const c = new Cluster(ABC);
    const a = c.elect("a");
    a.step({ type: "append-resp", from: "b", to: "a", term: 5, reject: true, index: 0, hintIndex: 0, hintTerm: 0, round: 0 });
    expect([a.state, a.term, a.votedFor, a.leaderId]).toEqual(["follower", 5, null, null]);
  });

  it("a stale leader's append is answered with the newer term, and that answer deposes it", () => {
    const c = new Cluster(ABC);
    c.elect("a");
    c.isolate("a");
    c.idle(["b", "c"], 10);
    c.elect("b");
    expect(c.nodes.b.term).toBe(2);
    expect(c.nodes.a.state).toBe("leader"); // does not know yet
    c.heal();
    c.tick("a", 2); // heartbeat in term 1
    c.deliver();
    expect([c.nodes.a.state, c.nodes.a.term]).toEqual(["follower", 2]);
    c.tick("b", 2); // the new leader's heartbeat tells a who leads
    c.deliver();
    expect(c.nodes.a.leaderId).toBe("b");
  });

  it("pre-vote: a node cut off and rejoining does not disrupt the leader or raise the term", () => {
    const c = new Cluster(ABC);
    c.elect("a");
    c.isolate("c");
    for (let i = 0; i < 100; i++) {
      c.tickAll(1);
    }
    expect(c.nodes.c.term).toBe(1); // 100 ticks of failed pre-votes, no term raised
    expect(c.nodes.c.state).toBe("pre-candidate");
    c.heal();
    c.tickAll(c.nodes.c.state === "pre-candidate" ? 25 : 1);
    expect(c.leaders()).toEqual(["a"]);
    expect(c.ids.map((id) => c.nodes[id].term)).toEqual([1, 1, 1]);
    expect(c.nodes.c.leaderId).toBe("a");
  });

  it("without pre-vote the same rejoin raises the term and deposes the leader (what pre-vote prevents)", () => {
    const c = new Cluster(ABC, { preVote: false });
    c.elect("a");
    c.isolate("c");
    c.tickAll(100);
    expect(c.nodes.c.term).toBeGreaterThan(3);
    c.heal();
    c.tick("a", 2); // a heartbeat reaches c, whose answer carries its higher term
    c.deliver();
    expect(c.nodes.a.term).toBeGreaterThan(3);
    expect(c.nodes.a.state).toBe("follower");
  });

  it("a single-node cluster elects itself and commits on its own", () => {
    const a = createRaftNode({ id: "a", peers: ["a"], ...BASE, rng: createRng(3) });
    a.campaign();
    expect(a.state).toBe("leader");
    const { index } = a.propose("x");
    expect(a.commitIndex).toBe(index);
    expect(a.leaseValid()).toBe(true);
    expect(a.ready().committed.map((e) => e.data)).toEqual([null, "x"]);
  });
});
