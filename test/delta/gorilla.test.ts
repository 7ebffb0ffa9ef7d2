import { describe, it, expect } from "vitest";
import fc from "fast-check";
import vm from "node:vm";
import {
  decodeGorilla,
  decodeGorillaInto,
  encodeGorilla,
  GORILLA_FORMAT_TAG,
  GORILLA_FORMAT_VERSION,
} from "../../lib/delta/gorilla.js";
import { BitReader, BitWriter } from "../../lib/delta/bitstream.js";
import { DeltaError } from "../../lib/delta/errors.js";
import { encodeVarint } from "../../lib/delta/varint.js";
import { bitsOf, bodyOf, doubleBits, expectDeltaError, expectSameBits, fromBits, nanBits, withCrc } from "./helpers.js";

const G = GORILLA_FORMAT_TAG;

/** The 64-bit pattern of each value, as BigInts (slow, test-only: no shared code with the codec). */
function patterns(values: Float64Array): bigint[] {
  const dv = new DataView(values.buffer, values.byteOffset, values.byteLength);
  return Array.from({ length: values.length }, (_, i) => dv.getBigUint64(i * 8, true));
}

function clz64(x: bigint): number {
  return 64 - x.toString(2).length;
}

function ctz64(x: bigint): number {
  const s = x.toString(2);
  return s.length - 1 - s.lastIndexOf("1");
}

/** Reference body bits of the paper's XOR code, as a '0'/'1' string, with the two edge cases handled. */
function refBits(values: Float64Array): string {
  const bin = (v: bigint | number, n: number) => (n === 0 ? "" : BigInt(v).toString(2).padStart(n, "0"));
  const ps = patterns(values);
  let s = "";
  let lead = -1;
  let trail = 0;
  for (let i = 0; i < ps.length; i++) {
    if (i === 0) {
      s += bin(ps[0], 64);
      continue;
    }
    const x = ps[i] ^ ps[i - 1];
    if (x === 0n) {
      s += "0";
      continue;
    }
    const clz = clz64(x);
    const ctz = ctz64(x);
    if (lead >= 0 && clz >= lead && ctz >= trail) {
      s += "10";
    } else {
      lead = Math.min(clz, 31);
      trail = ctz;
      s += "11" + bin(lead, 5) + bin((64 - lead - trail) % 64, 6);
    }
    s += bin(x >> BigInt(trail), 64 - lead - trail);
  }
  return s;
}

function packBits(bits: string): number[] {
  const out = new Array<number>(Math.ceil(bits.length / 8)).fill(0);
  for (let i = 0; i < bits.length; i++) if (bits[i] === "1") out[i >> 3] |= 0x80 >> (i & 7);
  return out;
}

function refEncoding(values: Float64Array): Uint8Array {
  return withCrc([G, GORILLA_FORMAT_VERSION, ...encodeVarint(values.length), ...packBits(refBits(values))]);
}

/** Hand-built encoding: header + count + the bits written by `fill` + CRC. */
function forged(count: number, fill: (w: BitWriter) => void): Uint8Array {
  const w = new BitWriter();
  fill(w);
  return withCrc([G, GORILLA_FORMAT_VERSION, ...encodeVarint(count), ...w.finish()]);
}

/** Write a raw 64-bit pattern. */
function raw(w: BitWriter, [hi, lo]: readonly [number, number]): void {
  w.writeBits(hi, 32);
  w.writeBits(lo, 32);
}

/** A random walk of cents, as prices k / 100 (what a ticker produces). */
function pricesWalk(n: number, seed: number, start = 10_000, maxStep = 10): Float64Array {
  let s = seed >>> 0;
  const rand = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0), s / 2 ** 32);
  const out = new Float64Array(n);
  let k = start;
  for (let i = 0; i < n; i++) {
    k += Math.floor(rand() * (2 * maxStep + 1)) - maxStep;
    out[i] = k / 100;
  }
  return out;
}

/** Series of doubles of every kind, with runs and small steps so all three codes occur. */
const series: fc.Arbitrary<Float64Array> = fc.oneof(
  fc.array(doubleBits, { maxLength: 60 }).map(fromBits),
  fc.array(fc.oneof(doubleBits, fc.constant(null)), { maxLength: 60 }).map((bs) => {
    // null = repeat the previous value
    const out: [number, number][] = [];
    for (const b of bs) out.push(b ?? out[out.length - 1] ?? [0, 0]);
    return fromBits(out);
  }),
  fc.tuple(fc.integer({ min: 0, max: 2 ** 30 }), fc.integer({ min: 1, max: 20 }), fc.integer({ min: 0, max: 60 })).map(([seed, step, n]) => pricesWalk(n, seed, 10_000, step)),
  fc.float64Array({ maxLength: 60 }),
);

describe("encodeGorilla / decodeGorilla", () => {
  it("round-trips every kind of double bit for bit", () => {
    fc.assert(
      fc.property(series, (xs) => {
        expectSameBits(decodeGorilla(encodeGorilla(xs)), xs);
      }),
      { numRuns: 1000 },
    );
  });

  it("produces exactly the documented bytes (independent BigInt reference encoder)", () => {
    fc.assert(
      fc.property(series, (xs) => {
        expect(Array.from(encodeGorilla(xs))).toEqual(Array.from(refEncoding(xs)));
      }),
      { numRuns: 500 },
    );
  });

  it("round-trips NaN payloads built with DataView, -0, ±Infinity and subnormals", () => {
    const nans = fc.sample(nanBits, { numRuns: 200, seed: 1 });
    const specials: [number, number][] = [
      [0x7ff80000, 0], // quiet NaN
      [0xfff80000, 0], // negative quiet NaN
      [0x7ff00000, 1], // signalling NaN, payload 1
      [0xfff00000, 1],
      [0x7fffffff, 0xffffffff], // all-ones NaN
      [0xffffffff, 0xffffffff],
      [0x80000000, 0], // -0
      [0, 0], // +0
      [0x7ff00000, 0], // +Infinity
      [0xfff00000, 0], // -Infinity
      [0, 1], // smallest subnormal
      [0x80000000, 1], // its negative
      [0x000fffff, 0xffffffff], // largest subnormal
      [0x00100000, 0], // smallest normal
      [0x7fefffff, 0xffffffff], // MAX_VALUE
    ];
    const all = fromBits([...specials, ...nans, ...specials.slice().reverse(), ...nans.slice(0, 50)]);
    const dec = decodeGorilla(encodeGorilla(all));
    expectSameBits(dec, all);
    expect(Object.is(dec[specials.length - 9], -0)).toBe(true);
    // Each pair in both orders.
    for (const a of specials) for (const b of specials) expectSameBits(decodeGorilla(encodeGorilla(fromBits([a, b, a]))), fromBits([a, b, a]));
  });

  it("caps leading zeros >= 32 at 31 (the XOR of neighbouring doubles)", () => {
    // 1 and the next double: XOR = 1, 63 leading zeros -> stored as 31, length 33.
    const xs = fromBits([bitsOf(1), [bitsOf(1)[0], bitsOf(1)[1] + 1], bitsOf(1)]);
    const enc = encodeGorilla(xs);
    const r = new BitReader(enc, 3, enc.length - 4);
    r.skip(64);
    expect(r.readBits(2)).toBe(0b11);
    expect(r.readBits(5)).toBe(31);
    expect(r.readBits(6)).toBe(33);
    expect(r.readBits(32)).toBe(0); // the 32 extra leading zeros are stored as meaningful bits
    expect(r.readBits(1)).toBe(1);
    // The same XOR again reuses the window: '10' + 33 bits.
    expect(r.readBits(2)).toBe(0b10);
    expect(r.readBits(32)).toBe(0);
    expect(r.readBits(1)).toBe(1);
    r.finish();
    expectSameBits(decodeGorilla(enc), xs);
    // Every leading-zero count from 0 to 63 with the lowest bit set.
    for (let lz = 0; lz < 64; lz++) {
      const x: [number, number] = lz < 32 ? [(0x80000000 >>> lz) | 0, 1] : [0, ((0x80000000 >>> (lz - 32)) | 1) >>> 0];
      const v = fromBits([[0, 0], [x[0] >>> 0, x[1]], [0, 0]]);
      expect(Array.from(encodeGorilla(v))).toEqual(Array.from(refEncoding(v)));
      expectSameBits(decodeGorilla(encodeGorilla(v)), v);
    }
  });

  it("writes a meaningful length of 64 as 0 and reads 0 back as 64", () => {
    // 0 then -MIN_VALUE: XOR = 0x8000000000000001, no leading or trailing zeros.
    const cases = [fromBits([[0, 0], [0x80000000, 1]]), Float64Array.from([0, -Number.MIN_VALUE]), fromBits([bitsOf(1), [0xfff00000 ^ bitsOf(1)[0], 1]])];
    for (const xs of cases) {
      const enc = encodeGorilla(xs);
      const r = new BitReader(enc, 3, enc.length - 4);
      r.skip(64);
      expect(r.readBits(2)).toBe(0b11);
      expect(r.readBits(5)).toBe(0);
      expect(r.readBits(6)).toBe(0);
      r.skip(64);
      r.finish();
      expect(enc.length).toBe(2 + 1 + Math.ceil((64 + 13 + 64) / 8) + 4);
      expectSameBits(decodeGorilla(enc), xs);
    }
    // A full 64-bit window is reused with '10' + 64 bits.
    const alt = Float64Array.from({ length: 1001 }, (_, i) => (i % 2 ? -Number.MIN_VALUE : 0));
    const enc = encodeGorilla(alt);
    expect(enc.length).toBe(2 + 2 + Math.ceil((64 + 13 + 64 + 999 * 66) / 8) + 4);
    expectSameBits(decodeGorilla(enc), alt);
  });

  it("has the documented layout", () => {
    const enc = encodeGorilla([1.5, 1.5]);
    expect(enc[0]).toBe(G);
    expect(enc[1]).toBe(GORILLA_FORMAT_VERSION);
    expect(enc[2]).toBe(2);
    // 1.5 = 0x3ff8000000000000, then '0', padded.
    expect(bodyOf(enc).slice(3)).toEqual([0x3f, 0xf8, 0, 0, 0, 0, 0, 0, 0]);
    expect(enc.length).toBe(16);
    // 0 then -0: XOR = sign bit only: '11' 00000 000001 '1' = 14 bits, padded to 16.
    const z = encodeGorilla([0, -0]);
    expect(bodyOf(z).slice(3)).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0b1100_0000, 0b0000_1100]);
  });

  it("empty and single-value series; number arrays give the same bytes", () => {
    const empty = encodeGorilla([]);
    expect(Array.from(empty.subarray(0, 3))).toEqual([G, 1, 0]);
    expect(empty.length).toBe(7);
    expect(decodeGorilla(empty).length).toBe(0);
    expectSameBits(decodeGorilla(encodeGorilla([-0])), Float64Array.from([-0]));
    expect(encodeGorilla([Math.PI]).length).toBe(2 + 1 + 8 + 4);
    const arr = [1.25, -0, NaN, Infinity, 5e-324, 100.01];
    expect(Array.from(encodeGorilla(arr))).toEqual(Array.from(encodeGorilla(Float64Array.from(arr))));
  });

  it("accepts Buffers, foreign realms and views at an offset", () => {
    const xs = Float64Array.from([1.5, 2.25, 2.25, -3]);
    const enc = encodeGorilla(xs);
    expectSameBits(decodeGorilla(Buffer.from(enc)), xs);
    const foreign = vm.runInNewContext("new Uint8Array(arr)", { arr: Array.from(enc) }) as Uint8Array;
    expectSameBits(decodeGorilla(foreign), xs);
    const big = new Uint8Array(enc.length + 10).fill(0xff);
    big.set(enc, 5);
    expectSameBits(decodeGorilla(big.subarray(5, 5 + enc.length)), xs);
    const backing = new Float64Array(8).fill(7);
    backing.set(xs, 3);
    expect(Array.from(encodeGorilla(backing.subarray(3, 7)))).toEqual(Array.from(enc));
    const foreignValues = vm.runInNewContext("new Float64Array([1.5, 2.25, 2.25, -3])") as Float64Array;
    expect(Array.from(encodeGorilla(foreignValues))).toEqual(Array.from(enc));
  });

  it("validates input", () => {
    expectDeltaError(() => encodeGorilla("1.5" as unknown as number[]), "ERR_DELTA_INPUT");
    expectDeltaError(() => encodeGorilla(new Float32Array(2) as unknown as Float64Array), "ERR_DELTA_INPUT");
    expectDeltaError(() => encodeGorilla([1, "2" as unknown as number]), "ERR_DELTA_INPUT");
    expectDeltaError(() => encodeGorilla([1, 2n as unknown as number]), "ERR_DELTA_INPUT");
    expectDeltaError(() => decodeGorilla([G, 1, 0, 0, 0, 0, 0] as unknown as Uint8Array), "ERR_DELTA_INPUT");
    expectDeltaError(() => decodeGorilla(new Uint16Array(7) as unknown as Uint8Array), "ERR_DELTA_INPUT");
  });
});

describe("decodeGorillaInto", () => {
  it("fills a prefix of the caller's array and returns the count", () => {
    const out = new Float64Array(5).fill(9);
    expect(decodeGorillaInto(encodeGorilla([0.1, 0.2, -0]), out)).toBe(3);
    expectSameBits(out, Float64Array.from([0.1, 0.2, -0, 9, 9]));
    expect(decodeGorillaInto(encodeGorilla([]), out)).toBe(0);
    const backing = new Float64Array(5);
    expect(decodeGorillaInto(encodeGorilla([NaN, 1]), backing.subarray(3))).toBe(2);
    expectSameBits(backing, Float64Array.from([0, 0, 0, NaN, 1]));
  });

  it("agrees with decodeGorilla", () => {
    fc.assert(
      fc.property(series, fc.integer({ min: 0, max: 4 }), (xs, extra) => {
        const out = new Float64Array(xs.length + extra);
        expect(decodeGorillaInto(encodeGorilla(xs), out)).toBe(xs.length);
        expectSameBits(out.subarray(0, xs.length), xs);
      }),
      { numRuns: 200 },
    );
  });

  it("rejects a destination that is too small or not a Float64Array", () => {
    expect(expectDeltaError(() => decodeGorillaInto(encodeGorilla([1, 2, 3]), new Float64Array(2)), "ERR_DELTA_INPUT").message).toContain(
      "3 values",
    );
    expectDeltaError(() => decodeGorillaInto(encodeGorilla([1]), new Int32Array(4) as unknown as Float64Array), "ERR_DELTA_INPUT");
    expectDeltaError(() => decodeGorillaInto(encodeGorilla([1]), [0] as unknown as Float64Array), "ERR_DELTA_INPUT");
    expectDeltaError(() => decodeGorillaInto(null as unknown as Uint8Array, new Float64Array(1)), "ERR_DELTA_INPUT");
  });
});

describe("hand-forged encodings with valid CRCs", () => {
  const one = bitsOf(1);

  it("a '10' before any window is corrupt", () => {
    const enc = forged(2, (w) => (raw(w, one), w.writeBits(0b10, 2), w.writeBits(0, 30)));
    expect(expectDeltaError(() => decodeGorilla(enc), "ERR_DELTA_CORRUPT").message).toContain("window");
  });

  it("leading zeros + length above 64 is corrupt", () => {
    // lead 31, length 34 (> 33)
    const enc = forged(2, (w) => (raw(w, one), w.writeBits((0b11 << 11) | (31 << 6) | 34, 13), w.writeBits(1, 32), w.writeBits(1, 2)));
    expect(expectDeltaError(() => decodeGorilla(enc), "ERR_DELTA_CORRUPT").message).toContain("exceed 64");
    // lead 1, length 0 (= 64)
    const enc2 = forged(2, (w) => (raw(w, one), w.writeBits((0b11 << 11) | (1 << 6) | 0, 13), w.writeBits(-1, 32), w.writeBits(-1, 32)));
    expectDeltaError(() => decodeGorilla(enc2), "ERR_DELTA_CORRUPT");
  });

  it("a window wider than the XOR is corrupt (not the encoder's choice)", () => {
    // XOR = 1 coded with lead 31 and trailing 0 is canonical...
    const ok = forged(2, (w) => (raw(w, [0, 0]), w.writeBits((0b11 << 11) | (31 << 6) | 33, 13), w.writeBits(0, 32), w.writeBits(1, 1)));
    expectSameBits(decodeGorilla(ok), fromBits([[0, 0], [0, 1]]));
    // ...but XOR = 2 coded with trailing 0 (meaningful bits end in '0') is not.
    const wideT = forged(2, (w) => (raw(w, [0, 0]), w.writeBits((0b11 << 11) | (31 << 6) | 33, 13), w.writeBits(0, 32), w.writeBits(0, 1)));
    expectDeltaError(() => decodeGorilla(wideT), "ERR_DELTA_CORRUPT");
    // XOR = 0x4000000000000001 coded with lead 0 (top meaningful bit 0).
    const wideL = forged(2, (w) => (raw(w, [0, 0]), w.writeBits((0b11 << 11) | (0 << 6) | 0, 13), w.writeBits(0x40000000, 32), w.writeBits(1, 32)));
    expectDeltaError(() => decodeGorilla(wideL), "ERR_DELTA_CORRUPT");
    // The same XOR with lead 1, length 63 is canonical.
    const fitL = forged(2, (w) => (raw(w, [0, 0]), w.writeBits((0b11 << 11) | (1 << 6) | 63, 13), w.writeBits(0x40000000, 31), w.writeBits(1, 32)));
    expectSameBits(decodeGorilla(fitL), fromBits([[0, 0], [0x40000000, 1]]));
    // lead 31 but the XOR has only 30 leading zeros is impossible to write (it
    // would need 34 bits); lead 30 with 31 leading zeros is too wide.
    const wide30 = forged(2, (w) => (raw(w, [0, 0]), w.writeBits((0b11 << 11) | (30 << 6) | 34, 13), w.writeBits(1, 2), w.writeBits(1, 32)));
    expectDeltaError(() => decodeGorilla(wide30), "ERR_DELTA_CORRUPT");
  });

  it("a new window where the current one fits is corrupt", () => {
    // v0 = 0, v1 = 0xff (window: lead capped at 31, trail 0), v2 = v1 ^ 0x0f:
    // the XOR fits that window, so the encoder writes '10', never a new '11'.
    const bad = forged(3, (w) => {
      raw(w, [0, 0]);
      w.writeBits((0b11 << 11) | (31 << 6) | 33, 13);
      w.writeBits(0, 25);
      w.writeBits(0xff, 8);
      w.writeBits((0b11 << 11) | (31 << 6) | 33, 13);
      w.writeBits(0, 29);
      w.writeBits(0x0f, 4);
    });
    expect(expectDeltaError(() => decodeGorilla(bad), "ERR_DELTA_CORRUPT").message).toContain("fits");
    const good = forged(3, (w) => {
      raw(w, [0, 0]);
      w.writeBits((0b11 << 11) | (31 << 6) | 33, 13);
      w.writeBits(0, 25);
      w.writeBits(0xff, 8);
      w.writeBits(0b10, 2);
      w.writeBits(0, 29);
      w.writeBits(0x0f, 4);
    });
    expectSameBits(decodeGorilla(good), fromBits([[0, 0], [0, 0xff], [0, 0xf0]]));
    expect(Array.from(encodeGorilla(decodeGorilla(good)))).toEqual(Array.from(good));
  });

  it("a zero XOR in the current window is corrupt (it must be '0')", () => {
    const enc = forged(3, (w) => {
      raw(w, [0, 0]);
      w.writeBits((0b11 << 11) | (31 << 6) | 33, 13);
      w.writeBits(0, 32);
      w.writeBits(1, 1);
      w.writeBits(0b10, 2);
      w.writeBits(0, 32);
      w.writeBits(0, 1);
    });
    expect(expectDeltaError(() => decodeGorilla(enc), "ERR_DELTA_CORRUPT").message).toContain("'0'");
  });

  it("codes running past the end are truncated", () => {
    // '11' header cut short
    expectDeltaError(() => decodeGorilla(forged(2, (w) => (raw(w, one), w.writeBits(0b11000000, 8)))), "ERR_DELTA_TRUNCATED");
    // meaningful bits cut short: length 33, 7 bits present after the header's 13 + padding
    expectDeltaError(
      () => decodeGorilla(forged(2, (w) => (raw(w, one), w.writeBits((0b11 << 11) | (31 << 6) | 33, 13), w.writeBits(1, 3)))),
      "ERR_DELTA_TRUNCATED",
    );
    // a reused window cut short
    const enc = forged(3, (w) => {
      raw(w, [0, 0]);
      w.writeBits((0b11 << 11) | (31 << 6) | 33, 13);
      w.writeBits(0, 32);
      w.writeBits(1, 1);
      w.writeBits(0b10, 2);
      w.writeBits(0, 20);
    });
    expectDeltaError(() => decodeGorilla(enc), "ERR_DELTA_TRUNCATED");
    // 8 bytes for count 1 decode; 7 do not
    expect(decodeGorilla(withCrc([G, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0])).length).toBe(1);
    expectDeltaError(() => decodeGorilla(withCrc([G, 1, 1, 0, 0, 0, 0, 0, 0, 0])), "ERR_DELTA_CORRUPT");
  });

  it("a forged count is rejected before allocating", () => {
    for (const count of [2 ** 31, 2 ** 32, 2 ** 53, 2 ** 31 - 1]) {
      expectDeltaError(() => decodeGorilla(withCrc([G, 1, ...encodeVarint(count), ...new Array(16).fill(0)])), "ERR_DELTA_CORRUPT");
    }
    // 8 bytes of v0 + 2 zero bytes hold 1 + 16 values; 17 decode, 18 do not.
    expect(decodeGorilla(withCrc([G, 1, 17, ...new Array(10).fill(0)])).length).toBe(17);
    expectDeltaError(() => decodeGorilla(withCrc([G, 1, 18, ...new Array(10).fill(0)])), "ERR_DELTA_CORRUPT");
  });

  it("trailing bytes, non-zero padding, wrong tag/version/checksum/length", () => {
    expectDeltaError(() => decodeGorilla(withCrc([...bodyOf(encodeGorilla([1, 2])), 0])), "ERR_DELTA_CORRUPT");
    expectDeltaError(() => decodeGorilla(withCrc([G, 1, 0, 0])), "ERR_DELTA_CORRUPT");
    const body = bodyOf(encodeGorilla([1.5, 1.5]));
    body[body.length - 1] |= 1;
    expect(expectDeltaError(() => decodeGorilla(withCrc(body)), "ERR_DELTA_CORRUPT").message).toContain("padding");
    expectDeltaError(() => decodeGorilla(withCrc([0x54, 1, 0])), "ERR_DELTA_CORRUPT");
    expectDeltaError(() => decodeGorilla(withCrc([G, 0, 0])), "ERR_DELTA_CORRUPT");
    for (const b of [[], [G], [G, 1], [G, 1, 0, 0, 0, 0]]) expectDeltaError(() => decodeGorilla(new Uint8Array(b)), "ERR_DELTA_TRUNCATED");
    const enc = encodeGorilla([1, 2, 3]);
    enc[5] ^= 4;
    expect(expectDeltaError(() => decodeGorilla(enc), "ERR_DELTA_CORRUPT").message).toContain("checksum");
  });
});

/** Decode, allowing only success or a DeltaError. */
function decodeOrDeltaError(bytes: Uint8Array): Float64Array | undefined {
  try {
    return decodeGorilla(bytes);
  } catch (e) {
    expect(e).toBeInstanceOf(DeltaError);
    return undefined;
  }
}

describe("fuzzing decodeGorilla", () => {
  const small = fc.oneof(
    fc.array(doubleBits, { maxLength: 12 }).map(fromBits),
    fc.tuple(fc.nat(), fc.integer({ min: 0, max: 14 })).map(([seed, n]) => pricesWalk(n, seed)),
  );
  const encoded = small.map((xs) => ({ xs, enc: encodeGorilla(xs) }));

  it("every truncation throws a DeltaError", () => {
    fc.assert(
      fc.property(encoded, ({ enc }) => {
        for (let len = 0; len < enc.length; len++) expectDeltaError(() => decodeGorilla(enc.slice(0, len)));
      }),
      { numRuns: 150 },
    );
  });

  it("every single bit flip throws a DeltaError", () => {
    fc.assert(
      fc.property(encoded, ({ enc }) => {
        const copy = enc.slice();
        for (let i = 0; i < copy.length; i++) {
          for (let bit = 0; bit < 8; bit++) {
            copy[i] ^= 1 << bit;
            expectDeltaError(() => decodeGorilla(copy));
            copy[i] ^= 1 << bit;
          }
        }
      }),
      { numRuns: 30 },
    );
  });

  it("bit flips in the body with the CRC recomputed: a DeltaError or values that re-encode to the same bytes", () => {
    let decoded = 0;
    fc.assert(
      fc.property(encoded, fc.array(fc.nat(), { minLength: 1, maxLength: 3 }), ({ enc }, flips) => {
        const body = bodyOf(enc);
        const bodyBits = (body.length - 3) * 8;
        if (bodyBits === 0) return;
        for (const f of flips) {
          const b = 3 * 8 + (f % bodyBits);
          body[b >> 3] ^= 0x80 >> (b & 7);
        }
        const bytes = withCrc(body);
        const out = decodeOrDeltaError(bytes);
        if (out) {
          decoded++;
          expect(Array.from(encodeGorilla(out))).toEqual(Array.from(bytes));
        }
      }),
      { numRuns: 2000 },
    );
    expect(decoded).toBeGreaterThan(0);
  });

  it("random bodies behind a valid header and CRC: a DeltaError or the unique encoding", () => {
    let decoded = 0;
    const body = fc
      .tuple(fc.integer({ min: 0, max: 30 }), fc.uint8Array({ minLength: 8, maxLength: 30 }))
      .map(([count, rest]) => [G, 1, count, ...rest]);
    fc.assert(
      fc.property(body, (b) => {
        const bytes = withCrc(b);
        const out = decodeOrDeltaError(bytes);
        if (out) {
          decoded++;
          expect(Array.from(encodeGorilla(out))).toEqual(Array.from(bytes));
        }
      }),
      { numRuns: 3000 },
    );
    expect(decoded).toBeGreaterThan(0);
  });

  it("forged counts with a valid CRC: a DeltaError or the unique encoding", () => {
    fc.assert(
      fc.property(
        encoded,
        fc.oneof(fc.integer({ min: 0, max: 200 }), fc.constantFrom(2 ** 31, 2 ** 32 - 1, 2 ** 53), fc.nat()),
        ({ xs, enc }, count) => {
          const body = bodyOf(enc);
          const bytes = withCrc([G, 1, ...encodeVarint(count), ...body.slice(2 + encodeVarint(xs.length).length)]);
          const out = decodeOrDeltaError(bytes);
          if (out) {
            expect(out.length).toBe(count);
            expect(Array.from(encodeGorilla(out))).toEqual(Array.from(bytes));
            if (count === xs.length) expectSameBits(out, xs);
          }
        },
      ),
      { numRuns: 2000 },
    );
  });

  it("random bytes decode or throw a DeltaError, nothing else", () => {
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 64 }), fc.uint8Array({ maxLength: 30 }).map((r) => new Uint8Array([G, 1, ...r]))), (bytes) => {
        decodeOrDeltaError(bytes);
      }),
      { numRuns: 2000 },
    );
  });
});

describe("what the notebook shows", () => {
  it("a constant series costs about 1 bit a value", () => {
    const xs = new Float64Array(10_000).fill(101.25);
    const bits = (encodeGorilla(xs).length * 8) / xs.length;
    expect(bits).toBeLessThan(1.1);
  });

  it("2-decimal prices cost tens of bits a value, far more than their digits need", () => {
    const n = 100_000;
    const prices = pricesWalk(n, 2024);
    const enc = encodeGorilla(prices);
    expectSameBits(decodeGorilla(enc), prices);
    const bitsPerValue = (enc.length * 8) / n;
    // Cents steps in [-10, 10] carry log2(21) ~ 4.4 bits of information, and
    // even a whole price of 5-6 significant digits fits in ~20 bits; XOR of
    // the binary fractions k/100 leaves long meaningful windows instead.
    let lo = Infinity;
    let hi = -Infinity;
    for (const p of prices) {
      lo = Math.min(lo, p);
      hi = Math.max(hi, p);
    }
    const digitsBits = Math.log2(Math.round((hi - lo) * 100) + 1);
    expect(digitsBits).toBeLessThan(20);
    expect(bitsPerValue).toBeGreaterThan(30);
    expect(bitsPerValue).toBeGreaterThan(2 * digitsBits);
    expect(bitsPerValue).toBeLessThan(64 + 13);
    // Integer-valued doubles XOR to short windows and compress much better.
    const ints = prices.map((p) => Math.round(p * 100));
    expect((encodeGorilla(ints).length * 8) / n).toBeLessThan(bitsPerValue / 1.5);
  });
});
