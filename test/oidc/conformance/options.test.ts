// The harness's options (rotation gap, transport, case selection, bad input) and the verdict table.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  ConformanceError,
  type ConformanceRow,
  type Verdict,
  runConformance,
  verdictTable,
} from "../../../lib/oidc/conformance/index.js";

const verdicts = (r: ConformanceRow): string[] => [r.ours.verdict, r.openidClient.verdict, r.openidClientStrict.verdict, r.joseJwtVerify.verdict];

describe("rotation gap: how long ago the relying parties cached the JWKS", () => {
  it("5 s: inside the 30 s cooldown, ours and jose refuse to refetch and reject the rotated key", async () => {
    const [r] = await runConformance({ cases: ["key-rotation"], rotationGapSec: 5 });
    expect(r.ours).toMatchObject({ verdict: "reject", code: "ERR_OIDC_KID_UNKNOWN", step: "jwks" });
    expect(r.ours.detail).toMatch(/refetch suppressed/);
    expect(r.joseJwtVerify.verdict).toBe("reject");
  });

  it("61 s: past openid-client's 60 s threshold, strict openid-client refetches and accepts too", async () => {
    const [r] = await runConformance({ cases: ["key-rotation"], rotationGapSec: 61 });
    expect(verdicts(r)).toEqual(["accept", "accept", "accept", "accept"]);
  });
});

describe("transport", () => {
  it("over HTTP on 127.0.0.1 the verdicts are the in-process ones", async () => {
    const cases = ["good-login", "bad-signature-rs256", "jku-header", "state-mismatch", "code-replay"];
    const inProcess = await runConformance({ cases });
    const seen: string[] = [];
    const http = await runConformance({ cases, transport: "http", onRow: (row) => seen.push(row.case) });
    expect(seen).toEqual(cases);
    expect(http.map(verdicts)).toEqual(inProcess.map(verdicts));
    expect(http.map((r) => r.ours.code)).toEqual(inProcess.map((r) => r.ours.code));
    expect(http[0].ours.verdict).toBe("accept");
  });
});

describe("bad input", () => {
  it("an unknown case, a bad gap or a bad transport is ERR_CONFORMANCE_INPUT", async () => {
    for (const bad of [{ cases: ["no-such-case"] }, { rotationGapSec: -1 }, { rotationGapSec: Number.NaN }, { transport: "carrier-pigeon" as never }]) {
      const e = await runConformance(bad).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(ConformanceError);
      expect((e as ConformanceError).code).toBe("ERR_CONFORMANCE_INPUT");
    }
  });
});

// ---- verdictTable on arbitrary rows

const verdict = fc.constantFrom<Verdict>("accept", "reject", "n/a");
const peer = verdict.map((v) => ({ verdict: v, error: v === "reject" ? "X: no" : null }));
const row: fc.Arbitrary<ConformanceRow> = fc
  .record({
    name: fc.string({ minLength: 1, maxLength: 8 }),
    expected: fc.constantFrom<"accept" | "reject">("accept", "reject"),
    ours: fc.constantFrom<"accept" | "reject">("accept", "reject"),
    openidClient: peer,
    openidClientStrict: peer,
    joseJwtVerify: peer,
  })
  .map((x) => ({
    case: x.name,
    group: "rfc8725" as const,
    expected: x.expected,
    title: "t",
    check: "c",
    ref: "r",
    misbehavior: null,
    ours: x.ours === "accept" ? { verdict: "accept", code: null, step: null, detail: null } : { verdict: "reject", code: "ERR_OIDC_SUB", step: "claims", detail: "d" },
    openidClient: x.openidClient,
    openidClientStrict: x.openidClientStrict,
    joseJwtVerify: x.joseJwtVerify,
    attackerFetches: { ours: 0, openidClient: 0, openidClientStrict: 0, joseJwtVerify: 0 },
  }));

describe("verdictTable", () => {
  it("a ✓ exactly where a verdict is the expected one, – for n/a; the summary counts the ✓", () => {
    fc.assert(
      fc.property(fc.array(row, { maxLength: 30 }), (rows) => {
        const { rows: lines, summary } = verdictTable(rows);
        expect(lines.length).toBe(rows.length);
        const cols = ["ours", "openid-client", "openid-client strict", "jose.jwtVerify"] as const;
        const keys = ["oursCorrect", "openidClientCorrect", "openidClientStrictCorrect", "joseJwtVerifyCorrect"] as const;
        cols.forEach((col, i) => {
          const ticks = lines.filter((l) => l[col].startsWith("✓")).length;
          expect(summary[keys[i]]).toBe(ticks);
        });
        lines.forEach((l, i) => {
          const r = rows[i];
          expect(l["openid-client"]).toBe(r.openidClient.verdict === "n/a" ? "– n/a" : `${r.openidClient.verdict === r.expected ? "✓" : "✗"} ${r.openidClient.verdict}`);
          expect(l["stopped by ours"]).toBe(r.ours.verdict === "reject" ? "ERR_OIDC_SUB (claims)" : "");
        });
        expect(summary.total).toBe(rows.length);
        expect(summary.joseJwtVerifyApplicable).toBe(rows.filter((r) => r.joseJwtVerify.verdict !== "n/a").length);
        expect(summary.openidClientAcceptedBad).toBe(rows.filter((r) => r.expected === "reject" && r.openidClient.verdict === "accept").length);
      }),
    );
  });
});
