/**
 * @module chubby/raft/config
 *
 * Checks a node configuration and fills in the defaults, so the node itself
 * never meets a bad value. Every problem is a `RaftError` with code
 * `ERR_RAFT_CONFIG`.
 */
import { createRng } from "../../random/index.js";
import { RaftError } from "./errors.js";
import type { RaftConfig, RandomSource } from "./types.js";

/**
 * A checked configuration with every default filled in.
 *
 * @example
 * const c: ResolvedRaftConfig = resolveRaftConfig({ id: "a", peers: ["a"], electionTicks: 10, heartbeatTicks: 1, leaseTicks: 5 });
 */
export interface ResolvedRaftConfig {
  readonly id: string;
  readonly peers: readonly string[];
  readonly electionTicks: number;
  readonly heartbeatTicks: number;
  readonly leaseTicks: number;
  readonly rng: RandomSource;
  readonly checkQuorum: boolean;
  readonly preVote: boolean;
  readonly maxAppendEntries: number;
  readonly noLeaseCheck: boolean;
}

function positiveInt(name: string, v: unknown): number {
  if (typeof v !== "number" || !Number.isSafeInteger(v) || v < 1) {
    throw new RaftError("ERR_RAFT_CONFIG", `${name} must be a positive integer, got ${String(v)}`);
  }
  return v;
}

/** FNV-1a of a string, for the default per-node seed. */
function seedOf(id: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) {
    h ^= id.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/**
 * Validates a configuration and applies the defaults (checkQuorum and
 * preVote on, 64 entries per append, a generator seeded from the id).
 *
 * @param config - the configuration to check
 * @returns the resolved configuration
 * @throws {RaftError} `ERR_RAFT_CONFIG` when the id is not among the peers,
 *   peers repeat or are empty strings, a tick count is not a positive
 *   integer, heartbeatTicks >= electionTicks or leaseTicks >= electionTicks
 * @example
 * resolveRaftConfig({ id: "a", peers: ["a", "b", "c"], electionTicks: 10, heartbeatTicks: 2, leaseTicks: 12 });
 * // throws RaftError ERR_RAFT_CONFIG (the lease must be shorter than the election timeout)
 */
export function resolveRaftConfig(config: RaftConfig): ResolvedRaftConfig {
  if (config === null || typeof config !== "object") throw new RaftError("ERR_RAFT_CONFIG", "config must be an object");
  const { id, peers } = config;
  if (typeof id !== "string" || id === "") throw new RaftError("ERR_RAFT_CONFIG", "id must be a non-empty string");
  if (!Array.isArray(peers) || peers.length === 0) throw new RaftError("ERR_RAFT_CONFIG", "peers must be a non-empty array");
  const seen = new Set<string>();
  for (const p of peers) {
    if (typeof p !== "string" || p === "") throw new RaftError("ERR_RAFT_CONFIG", "peer ids must be non-empty strings");
    if (seen.has(p)) throw new RaftError("ERR_RAFT_CONFIG", `duplicate peer ${p}`);
    seen.add(p);
  }
  if (!seen.has(id)) throw new RaftError("ERR_RAFT_CONFIG", `id ${id} is not among the peers`);
  const electionTicks = positiveInt("electionTicks", config.electionTicks);
  const heartbeatTicks = positiveInt("heartbeatTicks", config.heartbeatTicks);
  const leaseTicks = positiveInt("leaseTicks", config.leaseTicks);
  if (electionTicks < 2) throw new RaftError("ERR_RAFT_CONFIG", "electionTicks must be at least 2");
  if (heartbeatTicks >= electionTicks) {
    throw new RaftError("ERR_RAFT_CONFIG", `heartbeatTicks (${heartbeatTicks}) must be < electionTicks (${electionTicks})`);
  }
  if (leaseTicks >= electionTicks) {
    throw new RaftError("ERR_RAFT_CONFIG", `leaseTicks (${leaseTicks}) must be < electionTicks (${electionTicks})`);
  }
  const maxAppendEntries = config.maxAppendEntries === undefined ? 64 : positiveInt("maxAppendEntries", config.maxAppendEntries);
  const rng = config.rng ?? createRng(seedOf(id));
  if (typeof rng.int !== "function") throw new RaftError("ERR_RAFT_CONFIG", "rng must have an int(min, max) method");
  return {
    id,
    peers: peers.slice(),
    electionTicks,
    heartbeatTicks,
    leaseTicks,
    rng,
    checkQuorum: config.checkQuorum ?? true,
    preVote: config.preVote ?? true,
    maxAppendEntries,
    noLeaseCheck: config.unsafe?.noLeaseCheck === true,
  };
}
