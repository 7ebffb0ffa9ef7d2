import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MAX_CONTENT_BYTES, utf8ByteLength } from "../../../lib/chubby/cell/index.js";

describe("utf8ByteLength", () => {
  it("counts UTF-8 bytes of ASCII, 2-, 3- and 4-byte characters", () => {
    expect(utf8ByteLength("")).toBe(0);
    expect(utf8ByteLength("abc")).toBe(3);
    expect(utf8ByteLength("é")).toBe(2);
    expect(utf8ByteLength("€")).toBe(3);
    expect(utf8ByteLength("😀")).toBe(4);
    expect(MAX_CONTENT_BYTES).toBe(262144);
  });

  it("property: agrees with Buffer.byteLength on any string, lone surrogates included", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary" }), (s) => {
        expect(utf8ByteLength(s)).toBe(Buffer.byteLength(s, "utf8"));
      }),
      { numRuns: 200 },
    );
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 0xffff })), (units) => {
        const s = String.fromCharCode(...units);
        expect(utf8ByteLength(s)).toBe(Buffer.byteLength(s, "utf8"));
      }),
      { numRuns: 200 },
    );
  });
});
