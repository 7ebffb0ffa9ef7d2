/**
 * @module chubby/cell/fenced-resource
 *
 * A fenced resource server: a storage service (think a file server) that a lock holder writes to,
 * and that protects itself from holders who lost their lock without knowing it (a GC pause, a
 * partition; paper §2.4, Kleppmann's fencing tokens). Each write carries the writer's sequencer
 * (or a bare fencing token, like etcd's revision).
 *
 * - Token mode (default): the server remembers, per lock, the highest generation it accepted and
 *   rejects any lower one; an equal one is accepted only from the same holder (when writes name
 *   their holder), so a token can never be reused by someone else.
 * - Cell mode (`checkWithCell`): additionally asks the cell whether the sequencer is still valid
 *   (Chubby's CheckSequencer path), rejecting the write of a holder whose lock has been released,
 *   expired or re-granted even when the server never saw the newer holder.
 *
 * Every write, accepted or not, is recorded for plots.
 */
import { ChubbyError, type ChubbyErrorCode } from "./errors.js";
import { type Sequencer, checkSequencer, parseSequencer, validateSequencer } from "./sequencer.js";
import type { CellState, LockMode } from "./state.js";

/** A write presented to the resource. */
export interface FencedWriteRequest {
  /** A sequencer string (GetSequencer), a parsed sequencer, or a bare fencing token (an integer generation). */
  readonly sequencerOrToken: string | Sequencer | number;
  /** The value to store. */
  readonly value: string;
  /** Virtual time of the write (ms), recorded for plots. */
  readonly at: number;
  /** Which lock a bare token belongs to (default ""); ignored for sequencers, which name their lock. */
  readonly lock?: string;
  /** Who writes (e.g. a client name); when given, an equal generation is accepted only from the same holder. */
  readonly holder?: string;
}

/** One write as the resource saw it. */
export interface FencedWriteRecord {
  readonly at: number;
  readonly value: string;
  /** The lock the token belongs to ("" for an unnamed bare token, null when malformed). */
  readonly lock: string | null;
  /** The token's generation (null when malformed). */
  readonly generation: number | null;
  /** The sequencer's mode (null for a bare token or a malformed one). */
  readonly mode: LockMode | null;
  readonly holder: string | null;
  readonly accepted: boolean;
  /** Why it was rejected: ERR_CHUBBY_STALE_SEQUENCER or ERR_CHUBBY_BAD_SEQUENCER; null when accepted. */
  readonly code: ChubbyErrorCode | null;
  readonly reason: string | null;
  /** The highest generation accepted for that lock before this write (null: none). */
  readonly highestBefore: number | null;
}

/** Options of {@link createFencedResource}. */
export interface FencedResourceOptions {
  /** A label for plots (default "resource"). */
  readonly name?: string;
  /** Cell mode: the state to run CheckSequencer against (called at each write, so it sees the current master state). */
  readonly checkWithCell?: () => CellState;
}

/** A fenced resource server. */
export interface FencedResource {
  readonly name: string;
  /** "token" (monotonic check only) or "cell" (CheckSequencer too). */
  readonly mode: "token" | "cell";
  /** Applies a write if its token passes; returns the record either way (never throws for a stale token). */
  tryWrite(request: FencedWriteRequest): FencedWriteRecord;
  /** As tryWrite, but throws the ChubbyError when the write is rejected. */
  write(request: FencedWriteRequest): FencedWriteRecord;
  /** The value of the last accepted write (undefined before any). */
  value(): string | undefined;
  /** The highest generation accepted for a lock (default ""), or undefined. */
  highest(lock?: string): number | undefined;
  /** Every write in arrival order. */
  history(): readonly FencedWriteRecord[];
  /** How many writes were accepted and rejected. */
  counts(): { accepted: number; rejected: number };
}

/**
 * Creates an empty fenced resource.
 *
 * @param options - a name, and `checkWithCell` for Chubby's CheckSequencer mode
 * @returns the resource
 * @throws {ChubbyError} ERR_CHUBBY_BAD_CONFIG when checkWithCell is not a function
 * @example
 * const fs = createFencedResource();
 * fs.tryWrite({ sequencerOrToken: 7, value: "a", at: 0 }).accepted; // => true
 * fs.tryWrite({ sequencerOrToken: 5, value: "b", at: 1 }).accepted; // => false (stale)
 * fs.value(); // => "a"
 */
export function createFencedResource(options: FencedResourceOptions = {}): FencedResource {
  const name = options.name ?? "resource";
  const cell = options.checkWithCell;
  if (cell !== undefined && typeof cell !== "function") {
    throw new ChubbyError("ERR_CHUBBY_BAD_CONFIG", "checkWithCell must be a function returning the cell state");
  }
  const highest = new Map<string, { generation: number; holder: string | null }>();
  const log: FencedWriteRecord[] = [];
  let current: string | undefined;
  let accepted = 0;

  // One record per write, built in one place (no closure or spread per call: this runs once per write).
  function record(
    req: FencedWriteRequest,
    holder: string | null,
    lock: string | null,
    generation: number | null,
    mode: LockMode | null,
    code: ChubbyErrorCode | null,
    reason: string | null,
  ): FencedWriteRecord {
    const prev = lock === null ? undefined : highest.get(lock);
    const rec: FencedWriteRecord = {
      at: req.at,
      value: req.value,
      holder,
      lock,
      generation,
      mode,
      accepted: code === null,
      code,
      reason,
      highestBefore: prev === undefined ? null : prev.generation,
    };
    log.push(rec);
    return rec;
  }

  function tryWrite(req: FencedWriteRequest): FencedWriteRecord {
    if (req === null || typeof req !== "object") throw new ChubbyError("ERR_CHUBBY_BAD_COMMAND", "a write must be an object");
    if (typeof req.value !== "string") throw new ChubbyError("ERR_CHUBBY_BAD_COMMAND", "value must be a string");
    if (typeof req.at !== "number" || !Number.isFinite(req.at)) throw new ChubbyError("ERR_CHUBBY_BAD_COMMAND", "at must be a finite number");
    const holder = req.holder ?? null;
    let seq: Sequencer | null = null;
    let lock: string;
    let generation: number;
    const t = req.sequencerOrToken;
    if (typeof t === "number") {
      if (!Number.isSafeInteger(t) || t < 0) return record(req, holder, null, null, null, "ERR_CHUBBY_BAD_SEQUENCER", `bad token ${t}`);
      lock = req.lock ?? "";
      generation = t;
    } else {
      try {
        seq = typeof t === "string" ? parseSequencer(t) : validateSequencer(t);
      } catch (e) {
        return record(req, holder, null, null, null, "ERR_CHUBBY_BAD_SEQUENCER", (e as Error).message);
      }
      lock = seq.lock;
      generation = seq.generation;
    }
    const mode = seq === null ? null : seq.mode;
    const prev = highest.get(lock);
    if (prev !== undefined) {
      if (generation < prev.generation) {
        return record(req, holder, lock, generation, mode, "ERR_CHUBBY_STALE_SEQUENCER", `generation ${generation} < ${prev.generation} already seen`);
      }
      if (generation === prev.generation && holder !== null && prev.holder !== null && holder !== prev.holder) {
        return record(req, holder, lock, generation, mode, "ERR_CHUBBY_STALE_SEQUENCER", `generation ${generation} was used by ${prev.holder}, not ${holder}`);
      }
    }
    if (cell !== undefined) {
      if (seq === null) return record(req, holder, lock, generation, mode, "ERR_CHUBBY_BAD_SEQUENCER", "cell mode needs a sequencer, not a bare token");
      if (!checkSequencer(cell(), seq)) {
        return record(req, holder, lock, generation, mode, "ERR_CHUBBY_STALE_SEQUENCER", `the cell says ${lock} is not held ${seq.mode} at generation ${generation}`);
      }
    }
    const rec = record(req, holder, lock, generation, mode, null, null);
    if (prev === undefined) highest.set(lock, { generation, holder });
    else if (generation !== prev.generation) {
      prev.generation = generation;
      prev.holder = holder;
    } else if (prev.holder === null) prev.holder = holder;
    current = req.value;
    accepted++;
    return rec;
  }

  return {
    name,
    mode: cell === undefined ? "token" : "cell",
    tryWrite,
    write(req: FencedWriteRequest): FencedWriteRecord {
      const rec = tryWrite(req);
      if (!rec.accepted) throw new ChubbyError(rec.code as ChubbyErrorCode, `${name} rejected the write: ${rec.reason}`);
      return rec;
    },
    value: () => current,
    highest: (lock = "") => highest.get(lock)?.generation,
    history: () => log,
    counts: () => ({ accepted, rejected: log.length - accepted }),
  };
}
