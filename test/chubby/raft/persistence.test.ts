import { describe, it, expect } from "vitest";
import { createRng } from "../../../lib/random/index.js";
import { RaftError, createRaftNode, type RaftConfig } from "../../../lib/chubby/raft/index.js";
import { BASE, Cluster } from "./cluster.js";

const ABC = ["a", "b", "c"];
const cfg = (id: string): RaftConfig => ({ id, peers: ABC, ...BASE, rng: createRng(5) });

function code(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    return e instanceof RaftError ? e.code : "not a RaftError";
  }
  return undefined;
}

describe("ready() and durable state", () => {
  it("ready() hands out each change once: hardState only when it changed, then nothing", () => {
    const c = new Cluster(ABC);
    const a = c.nodes.a;
    a.campaign(); // pre-vote: no durable change
    let rd = a.ready();
    expect(rd.hardState).toBeUndefined();
    expect(rd.messages.length).toBe(2);
    a.step({ type: "prevote-resp", from: "b", to: "a", term: 1, reject: false }); // -> candidate, term 1, votes a
    rd = a.ready();
    expect(rd.hardState).toEqual({ term: 1, votedFor: "a", commitIndex: 0 });
    expect(a.hasReady()).toBe(false);
    expect(a.ready()).toEqual({ messages: [], entries: [], committed: [] });
  });

  it("a restarted node keeps its term, vote and log, and will not vote for another candidate in that term", () => {
    const c = new Cluster(ABC);
    c.elect("a");
    c.nodes.a.propose("x");
    c.deliver();
    c.crash("b");
    const b = c.restart("b");
    expect([b.term, b.votedFor, b.state, b.leaderId]).toEqual([1, "a", "follower", null]);
    expect(b.log().map((e) => e.data)).toEqual([null, "x"]);
    expect(b.commitIndex).toBe(0); // relearned from the leader
    c.tick("b", 10); // past the post-restart wait
    c.pending = [];
    b.step({ type: "vote", from: "c", to: "b", term: 1, lastIndex: 5, lastTerm: 1 });
    expect(b.ready().messages).toMatchObject([{ type: "vote-resp", reject: true }]);
  });

  it("restarted with its durable commit index, a node replays the committed entries to the state machine", () => {
    const c = new Cluster(ABC);
    c.elect("a");
    c.nodes.a.propose("x");
    c.nodes.a.propose("y");
    c.deliver();
    c.crash("c");
    const n = c.restart("c", true);
    expect(n.commitIndex).toBe(3);
    expect(c.applied.c.map((e) => e.data)).toEqual([null, "x", "y"]);
  });

  it("rejects a malformed persisted state with ERR_RAFT_INPUT", () => {
    const e1 = { term: 1, index: 1, data: null };
    expect(code(() => createRaftNode(cfg("a"), { term: 1, votedFor: null, log: [e1, { term: 1, index: 3, data: null }] }))).toBe("ERR_RAFT_INPUT");
    expect(code(() => createRaftNode(cfg("a"), { term: 1, votedFor: null, log: [{ term: 2, index: 1, data: null }] }))).toBe("ERR_RAFT_INPUT");
    expect(code(() => createRaftNode(cfg("a"), { term: 2, votedFor: null, log: [{ term: 2, index: 1, data: 0 }, e1] }))).toBe("ERR_RAFT_INPUT");
    expect(code(() => createRaftNode(cfg("a"), { term: 1, votedFor: "z", log: [] }))).toBe("ERR_RAFT_INPUT");
    expect(code(() => createRaftNode(cfg("a"), { term: -1, votedFor: null, log: [] }))).toBe("ERR_RAFT_INPUT");
    expect(code(() => createRaftNode(cfg("a"), { term: 1, votedFor: null, log: [e1], commitIndex: 2 }))).toBe("ERR_RAFT_INPUT");
    expect(code(() => createRaftNode(cfg("a"), { term: 1, votedFor: "b", log: [e1], commitIndex: 1 }))).toBeUndefined();
  });

  it("step rejects a message for another node or from an unknown peer with ERR_RAFT_INPUT", () => {
    const a = createRaftNode(cfg("a"));
    expect(code(() => a.step({ type: "vote-resp", from: "b", to: "c", term: 1, reject: false }))).toBe("ERR_RAFT_INPUT");
    expect(code(() => a.step({ type: "vote-resp", from: "z", to: "a", term: 1, reject: false }))).toBe("ERR_RAFT_INPUT");
    expect(code(() => a.step({ type: "vote-resp", from: "a", to: "a", term: 1, reject: false }))).toBe("ERR_RAFT_INPUT");
  });

  it("log() is a copy: changing it does not touch the node", () => {
    const c = new Cluster(ABC);
    const a = c.elect("a");
    const copy = a.log();
    copy.length = 0;
    expect(a.lastIndex).toBe(1);
  });
});
