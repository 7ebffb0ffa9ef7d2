/**
 * One comparison of the delta benchmark, run in its own process:
 *   node --import tsx bench/delta/compare.ts <int32-jitter | flights | sp500 | int64>
 * Prints one JSON object: the comparison, its value count, bits measured on which data, and a
 * result row per codec.
 */
import { cpus } from "node:os";
import {
  decodeDecimal,
  decodeGorilla,
  decodeParquetDelta64,
  decodeParquetDelta64Into,
  encodeDecimal,
  encodeGorilla,
  encodeParquetDelta64,
} from "../../lib/delta/index.js";
import {
  type BenchCase,
  type BenchResult,
  brotliDeltas,
  copy,
  fastint,
  flightTimes,
  gzipDeltas,
  gzipFloat64,
  hyparquet32,
  hyparquet64,
  jitteredTimestamps,
  microsecondTimestamps,
  ourInt32Cases,
  runCases,
  sameBits,
  sameValues,
  sp500,
  sp500Resampled,
} from "../../lib/bench/index.js";

function peers32(values: Int32Array): BenchCase[] {
  return [
    hyparquet32(values),
    fastint(values),
    gzipDeltas(values),
    brotliDeltas(values),
    copy(values, (out) => sameValues(values, out as Int32Array)),
  ];
}

interface Output {
  comparison: string;
  description: string;
  count: number;
  bitsOn: string;
  bitsCount: number;
  node: string;
  cpu: string;
  cores: number;
  results: BenchResult[];
}

async function main(): Promise<void> {
  const which = process.argv[2];
  const rounds = Number(process.env.BENCH_ROUNDS ?? 15);
  const base = { node: process.version, cpu: cpus()[0]?.model ?? "unknown", cores: cpus().length };
  let out: Output;
  if (which === "int32-jitter") {
    const values = jitteredTimestamps();
    out = {
      ...base,
      comparison: which,
      description: "1M int32 timestamps, 1 s cadence in ms, uniform jitter of +-10 ms",
      count: values.length,
      bitsOn: "the same data",
      bitsCount: values.length,
      results: runCases([...ourInt32Cases(values), ...peers32(values)], values.length, rounds),
    };
  } else if (which === "flights") {
    const values = await flightTimes();
    out = {
      ...base,
      comparison: which,
      description: "3M real departure times (s) of flights-3m.parquet",
      count: values.length,
      bitsOn: "the same data",
      bitsCount: values.length,
      results: runCases([...ourInt32Cases(values), ...peers32(values)], values.length, Math.min(rounds, 9)),
    };
  } else if (which === "sp500") {
    // Bits on the real 5,105 closes; speed on 1M values resampled from the real cent deltas.
    const real = sp500();
    const big = sp500Resampled();
    const cases = (s: { cents: Int32Array; prices: Float64Array }): BenchCase[] => {
      const bits = (out: unknown) => sameBits(s.prices, out);
      return [
        { name: "decimal: cents + delta + varint (encodeDecimal)", by: "ours", encode: () => encodeDecimal(s.prices), decode: decodeDecimal, verify: bits },
        ...ourInt32Cases(s.cents).filter((c) => !c.name.startsWith("Gorilla")),
        { name: "Gorilla XOR of float64 (encodeGorilla)", by: "ours", encode: () => encodeGorilla(s.prices), decode: decodeGorilla, verify: bits },
        ...peers32(s.cents).filter((c) => c.by !== "memory"),
        gzipFloat64(s.prices, bits),
        copy(s.prices, bits),
      ];
    };
    const realResults = runCases(cases(real), real.cents.length, 3, 1);
    const speed = runCases(cases(big), big.cents.length, rounds);
    out = {
      ...base,
      comparison: which,
      description: "S&P 500 closes: bits on the real 5,105 values, speed on 1M values resampled from their cent deltas",
      count: big.cents.length,
      bitsOn: "the real 5,105 closes",
      bitsCount: real.cents.length,
      results: speed.map((r, i) => ({ ...r, bytes: realResults[i].bytes, bitsPerValue: realResults[i].bitsPerValue })),
    };
  } else if (which === "int64") {
    const values = microsecondTimestamps();
    const same = (o: unknown) => sameValues(values, o as BigInt64Array);
    const into = new BigInt64Array(values.length);
    out = {
      ...base,
      comparison: which,
      description: "1M int64 timestamps in microseconds, 1 s cadence, +-1 ms jitter",
      count: values.length,
      bitsOn: "the same data",
      bitsCount: values.length,
      results: runCases(
        [
          { name: "Parquet DELTA_BINARY_PACKED INT64 (ours, hi/lo)", by: "ours", encode: () => encodeParquetDelta64(values), decode: (b) => decodeParquetDelta64(b), verify: same },
          {
            name: "Parquet INT64, decodeParquetDelta64Into",
            by: "ours",
            encode: () => encodeParquetDelta64(values),
            decode: (b) => (decodeParquetDelta64Into(b, into), into),
            verify: same,
          },
          hyparquet64(values),
          copy(values, same),
        ],
        values.length,
        rounds,
      ),
    };
  } else {
    throw new Error(`unknown comparison "${which}": int32-jitter, flights, sp500 or int64`);
  }
  process.stdout.write(JSON.stringify(out) + "\n");
}

main().catch((e) => {
  console.error(e instanceof Error ? e.stack : e);
  process.exit(1);
});
