import { describe, it, expect } from "vitest";
import fc from "fast-check";
import {
  decodeVarint,
  encodeVarint,
  varintLength,
  writeVarint,
  VARINT_MAX_VALUE,
} from "../../lib/delta/index.js";
import { expectDeltaError } from "./helpers.js";

describe("varint", () => {
  it("encodes the classic examples", () => {
    expect(Array.from(encodeVarint(0))).toEqual([0]);
    expect(Array.from(encodeVarint(127))).toEqual([0x7f]);
    expect(Array.from(encodeVarint(128))).toEqual([0x80, 0x01]);
    expect(Array.from(encodeVarint(300))).toEqual([0xac, 0x02]);
    expect(Array.from(encodeVarint(2 ** 32 - 1))).toEqual([0xff, 0xff, 0xff, 0xff, 0x0f]);
    expect(Array.from(encodeVarint(2 ** 53))).toEqual([0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x10]);
    expect(decodeVarint(new Uint8Array([0xac, 0x02]))).toEqual({ value: 300, length: 2 });
  });

  it("varintLength matches the encoding at every boundary", () => {
    for (let bits = 0; bits <= 53; bits++) {
      for (const n of [2 ** bits - 1, 2 ** bits]) {
        if (n > VARINT_MAX_VALUE) continue;
        let groups = 1;
        while (n >= 2 ** (7 * groups)) groups++; // smallest L with n < 2**(7L)
        expect(varintLength(n)).toBe(groups);
        expect(encodeVarint(n).length).toBe(varintLength(n));
      }
    }
    expect(varintLength(127)).toBe(1);
    expect(varintLength(128)).toBe(2);
    expect(varintLength(2 ** 53)).toBe(8);
  });

  it("round-trips every integer in [0, 2**53]", () => {
    const arb = fc.oneof(
      fc.integer({ min: 0, max: 300 }),
      fc.integer({ min: 0, max: 2 ** 32 }),
      fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
      fc.constantFrom(2 ** 53, 2 ** 53 - 1, 2 ** 49, 2 ** 49 - 1, 2 ** 32, 2 ** 32 - 1),
    );
    fc.assert(
      fc.property(arb, fc.integer({ min: 0, max: 5 }), (n, offset) => {
        const buf = new Uint8Array(offset + 8);
        const end = writeVarint(buf, offset, n);
        expect(end - offset).toBe(varintLength(n));
        expect(decodeVarint(buf, offset)).toEqual({ value: n, length: end - offset });
      }),
      { numRuns: 1000 },
    );
  });

  it("rejects malformed varints", () => {
    expectDeltaError(() => decodeVarint(new Uint8Array([0x80])), "ERR_DELTA_TRUNCATED");
    expectDeltaError(() => decodeVarint(new Uint8Array([])), "ERR_DELTA_TRUNCATED");
    // non-minimal: 0 written on two bytes
    expectDeltaError(() => decodeVarint(new Uint8Array([0x80, 0x00])), "ERR_DELTA_CORRUPT");
    // 9 bytes: longer than allowed
    expectDeltaError(() => decodeVarint(new Uint8Array([0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01])), "ERR_DELTA_CORRUPT");
    // 2**53 + 2**49: bits beyond the range
    expectDeltaError(() => decodeVarint(new Uint8Array([0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x11])), "ERR_DELTA_CORRUPT");
    expectDeltaError(() => decodeVarint(new Uint8Array([0x81, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x10])), "ERR_DELTA_CORRUPT");
  });

  it("validates arguments", () => {
    expectDeltaError(() => varintLength(-1), "ERR_DELTA_NOT_INTEGER");
    expectDeltaError(() => varintLength(1.5), "ERR_DELTA_NOT_INTEGER");
    expectDeltaError(() => encodeVarint(2 ** 53 + 2), "ERR_DELTA_NOT_INTEGER");
    expectDeltaError(() => decodeVarint([1] as unknown as Uint8Array), "ERR_DELTA_INPUT");
    expectDeltaError(() => decodeVarint(new Uint8Array([1]), 5), "ERR_DELTA_INPUT");
  });
});
