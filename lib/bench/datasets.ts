/**
 * The benchmark data sets: real series from data/ and deterministic synthetic ones (seeded).
 * @module bench/datasets
 */
import { loadFlightTimes, loadSp500 } from "../data/index.js";
import { createRng } from "../random/index.js";

/** 1 s cadence in milliseconds with uniform jitter of +-10 ms: synthetic event timestamps. */
export function jitteredTimestamps(n = 1_000_000, seed = 1): Int32Array {
  const rng = createRng(seed);
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = i * 1000 + rng.int(-10, 10);
  return out;
}

/** The 3M real departure times of flights-3m.parquet, in seconds. */
export function flightTimes(): Promise<Int32Array> {
  return loadFlightTimes();
}

/** The real S&P 500 closes (5,105), as exact cents and as float64 prices. */
export function sp500(): { cents: Int32Array; prices: Float64Array } {
  const prices = loadSp500().prices;
  return { prices, cents: Int32Array.from(prices, (p) => Math.round(p * 100)) };
}

/**
 * 1M prices made by resampling the real series' cent deltas independently. Throughput needs a
 * million values; tiling the real 5,105 would let gzip and brotli find the repeats, so the
 * deltas are drawn at random from the real ones instead.
 */
export function sp500Resampled(n = 1_000_000, seed = 2): { cents: Int32Array; prices: Float64Array } {
  const real = sp500().cents;
  const deltas = real.subarray(1).map((c, i) => c - real[i]);
  const rng = createRng(seed);
  const cents = new Int32Array(n);
  let c = real[0];
  for (let i = 0; i < n; i++) {
    cents[i] = c;
    c += deltas[rng.int(0, deltas.length - 1)];
    if (c < 1) c = real[0]; // a walk this long may wander below zero: restart it
  }
  return { cents, prices: Float64Array.from(cents, (k) => k / 100) };
}

/** 1M int64 microsecond timestamps from 2023-11 on, 1 s cadence with +-1 ms jitter. */
export function microsecondTimestamps(n = 1_000_000, seed = 3): BigInt64Array {
  const rng = createRng(seed);
  const out = new BigInt64Array(n);
  const start = 1_700_000_000_000_000n;
  for (let i = 0; i < n; i++) out[i] = start + BigInt(i) * 1_000_000n + BigInt(rng.int(-1000, 1000));
  return out;
}
