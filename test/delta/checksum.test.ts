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
