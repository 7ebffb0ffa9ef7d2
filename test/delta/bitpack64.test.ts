import { describe, it, expect } from "vitest";
import fc from "fast-check";
import {
  BITPACK64_MAX_WIDTH,
  packBits64,
  packBits64Unchecked,
  packedBytes64,
  unpackBits64,
  unpackBits64Unchecked,
} from "../../lib/delta/bitpack64.js";
import { expectDeltaError } from "./helpers.js";

/** Reference LSB-first packing with one big BigInt. */
function refPack(values: bigint[], width: number): number[] {
  let acc = 0n;
  values.forEach((v, j) => {
    acc |= v << BigInt(j * width);
  });
  const out: number[] = [];
  for (let k = 0; k < Math.ceil((values.length * width) / 8); k++) out.push(Number((acc >> BigInt(8 * k)) & 0xffn));
  return out;
}

function toWords(values: bigint[]): Uint32Array {
  const w = new Uint32Array(2 * values.length);
  values.forEach((v, j) => {
    w[2 * j] = Number(v & 0xffffffffn);
    w[2 * j + 1] = Number(v >> 32n);
  });
  return w;
}

function fromWords(w: Uint32Array, from: number, count: number): bigint[] {
  const out: bigint[] = [];
  for (let j = from; j < from + count; j++) out.push(BigInt(w[2 * j + 1]) * 2n ** 32n + BigInt(w[2 * j]));
  return out;
}

/** Width plus values that fit it, biased towards all-ones (the widest values). */
const widthAndValues = fc.integer({ min: 0, max: 64 }).chain((width) =>
  fc.tuple(
    fc.constant(width),
    fc.array(
      fc.oneof(fc.bigInt({ min: 0n, max: 2n ** BigInt(width) - 1n }), fc.constant(2n ** BigInt(width) - 1n)),
      { maxLength: 100 },
    ),
  ),
);

describe("packBits64 / unpackBits64", () => {
  it("match a reference BigInt packer and round-trip at any offset", () => {
    fc.assert(
      fc.property(widthAndValues, fc.integer({ min: 0, max: 7 }), ([width, values], offset) => {
        const src = toWords(values);
        const total = packedBytes64(values.length, width);
        const dst = new Uint8Array(offset + total + 3).fill(0xaa);
        expect(packBits64(src, 0, values.length, width, dst, offset)).toBe(offset + total);
        expect(Array.from(dst.subarray(offset, offset + total))).toEqual(refPack(values, width));
        expect(dst[offset + total]).toBe(0xaa); // wrote nothing past the end
        const back = new Uint32Array(2 * values.length + 4).fill(7);
        expect(unpackBits64(dst, offset, values.length, width, back, 1)).toBe(offset + total);
        expect(fromWords(back, 1, values.length)).toEqual(values);
        expect(back[0]).toBe(7);
      }),
      { numRuns: 2000 },
    );
  });

  it("every width 0..64 with all-ones values and with a single set top bit", () => {
    for (let width = 0; width <= BITPACK64_MAX_WIDTH; width++) {
      for (const count of [1, 31, 32, 33, 64, 95]) {
        const top = width === 0 ? 0n : 2n ** BigInt(width - 1);
        const values = Array.from({ length: count }, (_, j) => (j % 2 === 0 ? 2n ** BigInt(width) - 1n : top));
        const bytes = new Uint8Array(packedBytes64(count, width));
        packBits64(toWords(values), 0, count, width, bytes, 0);
        expect(Array.from(bytes)).toEqual(refPack(values, width));
        const back = new Uint32Array(2 * count);
        unpackBits64(bytes, 0, count, width, back, 0);
        expect(fromWords(back, 0, count)).toEqual(values);
      }
    }
  });

  it("ignores stray bits after the last value when unpacking", () => {
    // 3 values of 3 bits: bits 9..15 of the 2-byte buffer are padding.
    const bytes = Uint8Array.of(0b11_010_001, 0xff);
    const back = new Uint32Array(6);
    unpackBits64(bytes, 0, 3, 3, back, 0);
    expect(Array.from(back)).toEqual([1, 0, 2, 0, 7, 0]);
  });

  it("unchecked variants agree with the checked ones", () => {
    const values = [5n, 2n ** 40n + 3n, 0n, 2n ** 41n - 1n];
    const a = new Uint8Array(packedBytes64(4, 41));
    const b = new Uint8Array(a.length);
    packBits64(toWords(values), 0, 4, 41, a, 0);
    packBits64Unchecked(toWords(values), 0, 4, 41, b, 0);
    expect(b).toEqual(a);
    const w = new Uint32Array(8);
    unpackBits64Unchecked(a, 0, 4, 41, w, 0);
    expect(fromWords(w, 0, 4)).toEqual(values);
  });

  it("rejects bad arguments with DeltaErrors", () => {
    const w = new Uint32Array(8);
    const b = new Uint8Array(64);
    expectDeltaError(() => packedBytes64(1, 65), "ERR_DELTA_INPUT");
    expectDeltaError(() => packedBytes64(-1, 3), "ERR_DELTA_INPUT");
    expectDeltaError(() => packBits64(w, 0, 4, 65, b, 0), "ERR_DELTA_INPUT");
    expectDeltaError(() => packBits64(w, 0, 4, 1.5, b, 0), "ERR_DELTA_INPUT");
    expectDeltaError(() => packBits64(w, 0, 5, 3, b, 0), "ERR_DELTA_INPUT"); // source too short
    expectDeltaError(() => packBits64(w, 0, 4, 64, b, 40), "ERR_DELTA_INPUT"); // destination too small
    expectDeltaError(() => packBits64([1, 0] as unknown as Uint32Array, 0, 1, 3, b, 0), "ERR_DELTA_INPUT");
    expectDeltaError(() => packBits64(w, 0, 1, 3, [] as unknown as Uint8Array, 0), "ERR_DELTA_INPUT");
    // values wider than the width are refused, and nothing is written
    const before = Array.from(b);
    expectDeltaError(() => packBits64(Uint32Array.of(8, 0), 0, 1, 3, b, 0), "ERR_DELTA_INPUT");
    expectDeltaError(() => packBits64(Uint32Array.of(0, 1), 0, 1, 32, b, 0), "ERR_DELTA_INPUT");
    expectDeltaError(() => packBits64(Uint32Array.of(0, 2), 0, 1, 33, b, 0), "ERR_DELTA_INPUT");
    expectDeltaError(() => packBits64(Uint32Array.of(1, 0), 0, 1, 0, b, 0), "ERR_DELTA_INPUT");
    expect(Array.from(b)).toEqual(before);
    expectDeltaError(() => unpackBits64(b, 60, 4, 9, w, 0), "ERR_DELTA_TRUNCATED"); // needs 5 bytes, 4 left
    expectDeltaError(() => unpackBits64(b, 0, 5, 9, w, 0), "ERR_DELTA_INPUT"); // destination too small
    expectDeltaError(() => unpackBits64(b, 0, 1, 65, w, 0), "ERR_DELTA_INPUT");
    expectDeltaError(() => unpackBits64(new Int8Array(4) as unknown as Uint8Array, 0, 1, 3, w, 0), "ERR_DELTA_INPUT");
    expectDeltaError(() => unpackBits64(b, 0, 1, 3, new Int32Array(2) as unknown as Uint32Array, 0), "ERR_DELTA_INPUT");
  });
});
