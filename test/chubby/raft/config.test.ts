import { describe, it, expect } from "vitest";
import { RaftError, createRaftNode, resolveRaftConfig, type RaftConfig } from "../../../lib/chubby/raft/index.js";

const good: RaftConfig = { id: "a", peers: ["a", "b", "c"], electionTicks: 10, heartbeatTicks: 2, leaseTicks: 7 };

function code(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    return e instanceof RaftError ? e.code : "not a RaftError";
  }
  return undefined;
}

describe("config", () => {
  it("fills in the defaults: checkQuorum and preVote on, 64 entries per append", () => {
    const c = resolveRaftConfig(good);
    expect(c.checkQuorum).toBe(true);
    expect(c.preVote).toBe(true);
    expect(c.maxAppendEntries).toBe(64);
    expect(c.noLeaseCheck).toBe(false);
  });

  it("rejects a lease that is not shorter than the election timeout", () => {
    expect(code(() => createRaftNode({ ...good, leaseTicks: 10 }))).toBe("ERR_RAFT_CONFIG");
    expect(code(() => createRaftNode({ ...good, leaseTicks: 11 }))).toBe("ERR_RAFT_CONFIG");
    expect(code(() => createRaftNode({ ...good, leaseTicks: 9 }))).toBeUndefined();
  });

  it("rejects bad membership and tick counts with ERR_RAFT_CONFIG", () => {
    expect(code(() => createRaftNode({ ...good, id: "z" }))).toBe("ERR_RAFT_CONFIG");
    expect(code(() => createRaftNode({ ...good, peers: ["a", "b", "b"] }))).toBe("ERR_RAFT_CONFIG");
    expect(code(() => createRaftNode({ ...good, peers: [] }))).toBe("ERR_RAFT_CONFIG");
    expect(code(() => createRaftNode({ ...good, electionTicks: 2.5 }))).toBe("ERR_RAFT_CONFIG");
    expect(code(() => createRaftNode({ ...good, heartbeatTicks: 0 }))).toBe("ERR_RAFT_CONFIG");
    expect(code(() => createRaftNode({ ...good, heartbeatTicks: 10 }))).toBe("ERR_RAFT_CONFIG");
    expect(code(() => createRaftNode({ ...good, maxAppendEntries: 0 }))).toBe("ERR_RAFT_CONFIG");
  });

  it("RaftError keeps its class, code and leader id", () => {
    const e = new RaftError("ERR_RAFT_NOT_LEADER", "no", "b");
    expect(e).toBeInstanceOf(RaftError);
    expect(e).toBeInstanceOf(Error);
    expect(e.name).toBe("RaftError");
    expect([e.code, e.leaderId]).toEqual(["ERR_RAFT_NOT_LEADER", "b"]);
  });
});
