/**
 * @module chubby/world/network
 *
 * The simulated network's one-way delay model: a fixed minimum plus a random
 * jitter (exponential, or lognormal for a heavier tail), with loss and
 * duplication rates. Jitter is what reorders messages: two messages on the
 * same link can overtake each other.
 */
import { type Rng } from "../../random/index.js";
import { WorldError } from "./errors.js";

/** How the jitter above the minimum delay is distributed. */
export type DelayDistribution = "exponential" | "lognormal";

/** Network settings for {@link createWorld}; every field has a default. */
export interface NetworkOptions {
  /** The smallest one-way delay in ms (default 0.5). */
  minDelayMs?: number;
  /** The mean one-way delay in ms, minimum included (default 1); must be >= minDelayMs. */
  meanDelayMs?: number;
  /** The jitter's distribution (default "exponential"). */
  distribution?: DelayDistribution;
  /** The lognormal's shape, the standard deviation of log(jitter) (default 1). */
  sigma?: number;
  /** Probability that a message is lost (default 0). */
  lossRate?: number;
  /** Probability that a delivered message is delivered twice (default 0). */
  duplicateRate?: number;
}

/** Network settings with every default filled in and checked. */
export interface NetworkModel {
  /** The smallest one-way delay in ms. */
  minDelayMs: number;
  /** The mean one-way delay in ms. */
  meanDelayMs: number;
  /** The jitter's distribution. */
  distribution: DelayDistribution;
  /** The lognormal's shape. */
  sigma: number;
  /** Probability of loss. */
  lossRate: number;
  /** Probability of duplication. */
  duplicateRate: number;
}

/**
 * Checks a probability.
 * @param name - the option's name, for the message
 * @param p - the value
 * @returns p
 * @throws {WorldError} ERR_WORLD_INPUT when p is not in [0, 1]
 * @example
 * checkRate("lossRate", 0.1); // => 0.1
 */
export function checkRate(name: string, p: number): number {
  if (!(p >= 0 && p <= 1)) throw new WorldError("ERR_WORLD_INPUT", `${name} must be in [0, 1], got ${p}`);
  return p;
}

/**
 * Fills in defaults and checks the network settings.
 *
 * @param opts - the caller's settings
 * @returns the complete model
 * @throws {WorldError} ERR_WORLD_INPUT for a negative or non-finite delay,
 *   mean below minimum, a rate outside [0, 1], a bad distribution or sigma
 * @example
 * networkModel({ minDelayMs: 1, meanDelayMs: 3 }).distribution; // => "exponential"
 */
export function networkModel(opts: NetworkOptions = {}): NetworkModel {
  const minDelayMs = opts.minDelayMs ?? 0.5;
  const meanDelayMs = opts.meanDelayMs ?? Math.max(1, minDelayMs);
  const distribution = opts.distribution ?? "exponential";
  const sigma = opts.sigma ?? 1;
  if (!(Number.isFinite(minDelayMs) && minDelayMs >= 0)) {
    throw new WorldError("ERR_WORLD_INPUT", `minDelayMs must be a finite number >= 0, got ${minDelayMs}`);
  }
  if (!(Number.isFinite(meanDelayMs) && meanDelayMs >= minDelayMs)) {
    throw new WorldError("ERR_WORLD_INPUT", `meanDelayMs must be finite and >= minDelayMs (${minDelayMs}), got ${meanDelayMs}`);
  }
  if (distribution !== "exponential" && distribution !== "lognormal") {
    throw new WorldError("ERR_WORLD_INPUT", `distribution must be "exponential" or "lognormal", got ${String(distribution)}`);
  }
  if (!(Number.isFinite(sigma) && sigma > 0)) throw new WorldError("ERR_WORLD_INPUT", `sigma must be > 0, got ${sigma}`);
  return {
    minDelayMs,
    meanDelayMs,
    distribution,
    sigma,
    lossRate: checkRate("lossRate", opts.lossRate ?? 0),
    duplicateRate: checkRate("duplicateRate", opts.duplicateRate ?? 0),
  };
}

/**
 * Builds the delay sampler of a model: each call draws one delay from `rng`,
 * always consuming the same number of draws (1 for exponential, 2 for
 * lognormal, Box-Muller), so a stream's later draws do not depend on values.
 *
 * @param m - the network model
 * @returns a function from a generator to a one-way delay in ms (>= minDelayMs)
 * @throws never
 * @example
 * const d = delaySampler(networkModel({ minDelayMs: 1, meanDelayMs: 2 }));
 * d(createRng(1)) >= 1; // => true
 */
export function delaySampler(m: NetworkModel): (rng: Rng) => number {
  const min = m.minDelayMs;
  const meanJitter = m.meanDelayMs - m.minDelayMs;
  if (meanJitter === 0) {
    return m.distribution === "lognormal"
      ? (rng) => {
          rng.uniform();
          rng.uniform();
          return min;
        }
      : (rng) => {
          rng.uniform();
          return min;
        };
  }
  if (m.distribution === "exponential") {
    return (rng) => min - meanJitter * Math.log(1 - rng.uniform());
  }
  const sigma = m.sigma;
  const mu = Math.log(meanJitter) - (sigma * sigma) / 2; // so that E[jitter] = meanJitter
  const TWO_PI = 2 * Math.PI;
  return (rng) => {
    const u1 = rng.uniform();
    const u2 = rng.uniform();
    const z = Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(TWO_PI * u2);
    return min + Math.exp(mu + sigma * z);
  };
}
