import CRC32 from "crc-32";
import fc from "fast-check";
import { crc32Range, storedCrc32 } from "../../lib/delta/checksum.js";
import { describe, it, expect } from "vitest";
import { crc32, encodeInt32 } from "../../lib/delta/index.js";
import { expectDeltaError } from "./helpers.js";

describe("crc32", () => {
  it("matches the standard check value", () => {
    expect(crc32(new TextEncoder().encode("123456789"))).toBe(0xcbf43926);
    expect(crc32(new Uint8Array(0))).toBe(0);
  });

  it("is stored little-endian as the last 4 bytes of every encoding", () => {
    const enc = encodeInt32([1, 2, 3]);
    const n = enc.length - 4;
    const stored = new DataView(enc.buffer, enc.byteOffset).getUint32(n, true);
    expect(stored).toBe(crc32(enc.subarray(0, n)));
  });

  it("rejects non-bytes", () => {
    expectDeltaError(() => crc32("abc" as unknown as Uint8Array), "ERR_DELTA_INPUT");
  });
});


describe("crc32Range", () => {
  it("agrees with the pure-JS crc-32 package on any range (native zlib.crc32 or not)", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 3000 }), fc.nat(), fc.nat(), (bytes, a, b) => {
        const start = bytes.length ? a % (bytes.length + 1) : 0;
        const end = start + (bytes.length - start ? b % (bytes.length - start + 1) : 0);
        expect(crc32Range(bytes, start, end)).toBe(CRC32.buf(bytes.subarray(start, end)) >>> 0);
      }),
      { numRuns: 500 },
    );
  });
  it("reads a stored little-endian CRC", () => {
    expect(storedCrc32(Uint8Array.of(0x26, 0x39, 0xf4, 0xcb), 0)).toBe(0xcbf43926);
  });
});
