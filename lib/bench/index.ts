/**
 * Measuring codecs side by side with their peers: the harness, the peers and the data sets
 * shared by `npm run bench` and the notebooks.
 * @module bench
 */
export { type BenchCase, type BenchResult, runCases, sameValues, sameBits } from "./harness.js";
export { hyparquet32, hyparquet64, fastint, gzipDeltas, brotliDeltas, gzipFloat64, copy } from "./peers.js";
export { jitteredTimestamps, flightTimes, sp500, sp500Resampled, microsecondTimestamps } from "./datasets.js";
export { ourInt32Cases } from "./ours.js";
