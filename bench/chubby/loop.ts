/**
 * The simulated world's raw speed, against a bare event loop on the same heap.
 *   node --import tsx bench/chubby/loop.ts [events]
 * prints events/s of both (best of 3 runs each, after a warm-up).
 */
import { performance } from "node:perf_hooks";
import { pathToFileURL } from "node:url";
import { createRng } from "../../lib/random/index.js";
import { EventQueue, type TraceMode, createWorld } from "../../lib/chubby/world/index.js";

/** How many event chains run side by side (like 100 nodes with work in flight). */
const CHAINS = 100;

/**
 * A bare event loop: the world's heap, where every event just schedules the
 * next one of its chain a random 0-2 ms later. No network, no nodes.
 *
 * @param events - how many events to run
 * @param seed - seed of the delays (default 1)
 * @returns events per second (wall clock)
 * @throws never
 * @example
 * bareLoopRate(1_000_000); // => e.g. 1.2e7
 */
export function bareLoopRate(events: number, seed = 1): number {
  const rng = createRng(seed);
  const q = new EventQueue<undefined>();
  for (let c = 0; c < CHAINS; c++) q.push(rng.uniform(), undefined, 0, c);
  const start = performance.now();
  let sum = 0;
  for (let i = 0; i < events; i++) {
    q.pop();
    sum += q.a;
    q.push(q.time + 2 * rng.uniform(), undefined, 0, q.a);
  }
  const s = (performance.now() - start) / 1000;
  if (sum < 0) throw new Error("unreachable: keeps the loop from being optimised away");
  return events / s;
}

/**
 * Ping-pong through the world with tracing off: CHAINS / 2 pairs of nodes
 * bounce a counter back and forth over the simulated network (1 ms min,
 * 2 ms mean delay), so every event is a delivery that sends the next message.
 *
 * @param events - how many events to run
 * @param seed - the world's seed (default 1)
 * @param trace - the trace mode (default "off"; "hash" shows what hashing every event costs)
 * @returns events per second (wall clock)
 * @throws never
 * @example
 * worldRate(1_000_000); // => e.g. 3e6
 */
export function worldRate(events: number, seed = 1, trace: TraceMode = "off"): number {
  const w = createWorld<number>({ seed, network: { minDelayMs: 1, meanDelayMs: 2 }, trace });
  const pairs = CHAINS / 2;
  for (let p = 0; p < pairs; p++) {
    const a = `a${p}`;
    const b = `b${p}`;
    w.addNode(a, { onMessage: (from, n) => w.send(a, from, n + 1) });
    w.addNode(b, { onMessage: (from, n) => w.send(b, from, n + 1) });
  }
  for (let p = 0; p < pairs; p++) w.send(`a${p}`, `b${p}`, 0);
  const start = performance.now();
  const ran = w.run({ maxEvents: events });
  const s = (performance.now() - start) / 1000;
  return ran / s;
}

function best(f: (n: number) => number, n: number, rounds = 3): number {
  let b = 0;
  for (let r = 0; r < rounds; r++) b = Math.max(b, f(n));
  return b;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const n = Number(process.argv[2] ?? 2_000_000);
  bareLoopRate(200_000);
  worldRate(200_000);
  const bare = best(bareLoopRate, n);
  const world = best(worldRate, n);
  const hashed = best((k) => worldRate(k, 1, "hash"), n);
  const fmt = (x: number): string => `${(x / 1e6).toFixed(2)} M events/s`;
  console.log(`bare event loop (heap only, ${CHAINS} chains): ${fmt(bare)}`);
  console.log(`world ping-pong (${CHAINS / 2} pairs, trace off): ${fmt(world)}  (${((100 * world) / bare).toFixed(0)}% of bare)`);
  console.log(`world ping-pong (${CHAINS / 2} pairs, trace hash): ${fmt(hashed)}`);
}
