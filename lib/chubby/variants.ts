/**
 * @module chubby/variants
 *
 * Deliberately broken cells, the negative controls of the checker: each
 * turns one safety mechanism off, and the sweep must catch it.
 */
import { ChubbyError } from "./cell/index.js";

/**
 * A broken variant's name.
 * - `no-master-lease`: Raft's unsafe switch (any leader believes its lease, votes are never
 *   refused for a live leader) and the master serves reads without checking its lease.
 * - `no-lock-delay`: the master drops the lock-delay a client asks for.
 * - `no-fencing`: the resource server accepts any sequencer.
 * - `no-grace`: the client library gives its session up at jeopardy instead of waiting 45 s.
 *
 * @example
 * const v: VariantName = "no-fencing";
 */
export type VariantName = "no-master-lease" | "no-lock-delay" | "no-fencing" | "no-grace";

/**
 * Every variant, in a fixed order.
 * @example
 * VARIANTS.length; // => 4
 */
export const VARIANTS: readonly VariantName[] = ["no-master-lease", "no-lock-delay", "no-fencing", "no-grace"];

/**
 * The switches a run reads.
 * @example
 * const f: VariantFlags = variantFlags("no-grace"); // f.noGrace === true
 */
export interface VariantFlags {
  readonly noMasterLease: boolean;
  readonly noLockDelay: boolean;
  readonly noFencing: boolean;
  readonly noGrace: boolean;
}

/**
 * The invariant each variant is expected to break first.
 * @example
 * EXPECTED_VIOLATION["no-fencing"]; // => ["fencedTokensIncrease"]
 */
export const EXPECTED_VIOLATION: Readonly<Record<VariantName, readonly string[]>> = {
  "no-master-lease": ["atMostOneValidLease", "raft:lease-exclusivity", "linearizable", "noStaleCachedReads"],
  "no-lock-delay": ["lockDelayRespected"],
  "no-fencing": ["fencedTokensIncrease"],
  "no-grace": ["sessionsSurvive"],
};

/**
 * The switches of a variant (all off for none).
 * @param variant - a variant name, or undefined for the correct cell
 * @returns the flags
 * @throws {ChubbyError} ERR_CHUBBY_BAD_CONFIG for an unknown name
 * @example
 * variantFlags(undefined).noFencing; // => false
 */
export function variantFlags(variant: string | undefined): VariantFlags {
  if (variant !== undefined && !(VARIANTS as readonly string[]).includes(variant)) {
    throw new ChubbyError("ERR_CHUBBY_BAD_CONFIG", `unknown variant ${JSON.stringify(variant)}; known: ${VARIANTS.join(", ")}`);
  }
  return {
    noMasterLease: variant === "no-master-lease",
    noLockDelay: variant === "no-lock-delay",
    noFencing: variant === "no-fencing",
    noGrace: variant === "no-grace",
  };
}
