/**
 * @module sticky/strategies/balancer
 *
 * The one interface every load-balancing strategy implements, and the input
 * checks they share.
 */
import { StickyError } from "../errors.js";

/**
 * Every strategy `createBalancer` can build.
 *
 * - `round-robin`, `least-connections`, `two-choices`: no affinity.
 * - `ip-hash`, `modulo`: affinity by `hash % N` (most keys move when N changes).
 * - `ring`, `rendezvous`, `jump`, `maglev`: consistent hashing (few keys move).
 * - `bounded-load`: consistent hashing with a load cap (uses `loads`).
 */
export type BalancerKind =
  | "round-robin"
  | "least-connections"
  | "two-choices"
  | "ip-hash"
  | "modulo"
  | "ring"
  | "rendezvous"
  | "jump"
  | "maglev"
  | "bounded-load";

/** Every {@link BalancerKind}, in a stable order (for tables and plots). */
export const BALANCER_KINDS: readonly BalancerKind[] = [
  "round-robin",
  "least-connections",
  "two-choices",
  "ip-hash",
  "modulo",
  "ring",
  "rendezvous",
  "jump",
  "maglev",
  "bounded-load",
];

/** What a balancer may look at for one request. */
export interface RouteInput {
  /** The affinity key: a session id, a user id, or a client IP (for ip-hash). */
  key: string;
  /** Current load per server (sessions or open connections), for load-aware strategies. */
  loads?: ReadonlyMap<string, number>;
}

/** Chooses a server for each request. Built for a fixed list of servers. */
export interface Balancer {
  readonly kind: BalancerKind;
  readonly servers: readonly string[];
  /** The server for this request (throws StickyError ERR_STICKY_NO_SERVER if there is none). */
  pick(input: RouteInput): string;
}

/**
 * Checks a server list and returns a frozen copy (so a caller mutating its
 * array later cannot desynchronise a balancer's precomputed tables).
 * An EMPTY list is allowed: the balancer then throws ERR_STICKY_NO_SERVER on
 * `pick`, which is what a simulation wants when every server is down.
 *
 * @param servers - server ids: non-empty, distinct strings
 * @returns a frozen copy of the list
 * @throws StickyError ERR_STICKY_INPUT if it is not an array of distinct non-empty strings
 * @example
 * checkServers(["a", "b"]); // => ["a", "b"]
 * checkServers(["a", "a"]); // throws ERR_STICKY_INPUT
 */
export function checkServers(servers: readonly string[]): readonly string[] {
  if (!Array.isArray(servers)) {
    throw new StickyError("ERR_STICKY_INPUT", "servers must be an array of server ids");
  }
  const seen = new Set<string>();
  for (const s of servers) {
    if (typeof s !== "string" || s.length === 0) {
      throw new StickyError("ERR_STICKY_INPUT", `server ids must be non-empty strings, got ${JSON.stringify(s)}`);
    }
    if (seen.has(s)) throw new StickyError("ERR_STICKY_INPUT", `duplicate server id ${JSON.stringify(s)}`);
    seen.add(s);
  }
  return Object.freeze(servers.slice());
}

/**
 * Checks one request's input: an object whose `key` is a string.
 *
 * @param input - the route input
 * @returns the key
 * @throws StickyError ERR_STICKY_INPUT if `input` or its key is malformed
 * @example
 * checkKey({ key: "session-1" }); // => "session-1"
 */
export function checkKey(input: RouteInput): string {
  const key = input == null ? undefined : input.key;
  if (typeof key !== "string") {
    throw new StickyError("ERR_STICKY_INPUT", "route input needs a string key");
  }
  return key;
}

/**
 * The error `pick` throws when the balancer has no server.
 *
 * @param kind - the balancer kind, for the message
 * @returns a StickyError with code ERR_STICKY_NO_SERVER (to `throw`)
 * @throws never
 * @example
 * throw noServer("ring");
 */
export function noServer(kind: BalancerKind): StickyError {
  return new StickyError("ERR_STICKY_NO_SERVER", `${kind} balancer has no server to route to`);
}

/**
 * Checks an optional seed (integer) and returns it, or the default 0.
 *
 * @param seed - the seed option
 * @returns the seed
 * @throws StickyError ERR_STICKY_INPUT if it is not a safe integer
 * @example
 * checkSeed(undefined); // => 0
 */
export function checkSeed(seed: number | undefined): number {
  if (seed === undefined) return 0;
  if (!Number.isSafeInteger(seed)) throw new StickyError("ERR_STICKY_INPUT", `seed must be an integer, got ${seed}`);
  return seed;
}

/**
 * Reads a server's load from an optional map: missing entries count as 0.
 *
 * @param loads - the load map, or undefined
 * @param server - the server id
 * @returns its load
 * @throws never
 * @example
 * loadOf(new Map([["a", 3]]), "a"); // => 3
 */
export function loadOf(loads: ReadonlyMap<string, number> | undefined, server: string): number {
  if (loads === undefined) return 0;
  const v = loads.get(server);
  return v === undefined ? 0 : v;
}
