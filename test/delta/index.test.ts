import { describe, it, expect } from "vitest";
import * as delta from "../../lib/delta/index.js";

describe("lib/delta public face", () => {
  it("exports the documented functions", () => {
    for (const name of [
      "deltaEncode",
      "deltaDecode",
      "encodeInt32",
      "decodeInt32",
      "encodeDecimal",
      "decodeDecimal",
      "inspectDecimal",
      "zigzagEncode32",
      "zigzagDecode32",
      "zigzagEncode53",
      "zigzagDecode53",
      "varintLength",
      "encodeVarint",
      "decodeVarint",
      "writeVarint",
      "crc32",
      "DeltaError",
    ] as const) {
      expect(typeof delta[name], name).toBe("function");
    }
  });

  it("the @example lines in the doc comments hold", () => {
    expect(delta.deltaEncode([100.5, 100.75])).toEqual([100.5, 0.25]);
    expect(delta.deltaEncode([100.75, 100.6])).toEqual([100.75, -0.15000000000000568]);
    expect(delta.deltaDecode([100.5, 0.25])).toEqual([100.5, 100.75]);
    expect(delta.deltaDecode([100.5, 0.25, -0.15, 0.5, -0.2])[4]).toBe(100.89999999999999);
    expect(delta.zigzagEncode53(-3)).toBe(5);
    expect(delta.zigzagEncode53(2 ** 40)).toBe(2199023255552);
    expect(delta.zigzagDecode53(5)).toBe(-3);
    expect(delta.varintLength(2 ** 32 - 1)).toBe(5);
    const buf = new Uint8Array(2);
    expect(delta.writeVarint(buf, 0, 300)).toBe(2);
    expect(Array.from(buf)).toEqual([0xac, 0x02]);
    expect(delta.crc32(new TextEncoder().encode("123456789"))).toBe(3421780262);
    expect(delta.encodeInt32([100, 101, 103]).length).toBe(11);
    expect(Array.from(delta.decodeInt32(delta.encodeInt32([100, 101, 103])))).toEqual([100, 101, 103]);
    expect(delta.encodeDecimal([100.5, 100.75, 100.6]).length).toBe(14);
    expect(delta.inspectDecimal(delta.encodeDecimal([100.5, 100.75, 100.6])).scale).toBe(2);
    expect(delta.inspectDecimal(delta.encodeDecimal([100.5, 100.75, NaN]))).toEqual({
      count: 3,
      scale: 2,
      exceptions: 1,
      byteLength: 22,
    });
    expect(Array.from(delta.decodeDecimal(delta.encodeDecimal([100.5, 100.75])))).toEqual([100.5, 100.75]);
    let code: string | undefined;
    try {
      delta.decodeInt32(new Uint8Array([1, 2]));
    } catch (e) {
      if (e instanceof delta.DeltaError) code = e.code;
    }
    expect(code).toBe("ERR_DELTA_CORRUPT");
  });
});
