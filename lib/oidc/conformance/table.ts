/**
 * @module oidc/conformance/table
 *
 * The verdict table the notebook shows: one line per case with a ✓ (the relying party gave the
 * expected verdict) or ✗ (it did not) per relying party, the code and step that stopped ours,
 * and a summary of how many cases each got right.
 */
import type { ConformanceRow, PeerOutcome, Verdict } from "./harness.js";

/** One line of the verdict table (plain strings, ready for a notebook table). */
export interface VerdictTableRow {
  case: string;
  group: string;
  expected: string;
  ours: string;
  /** The code and step that stopped ours ("" when accepted). */
  "stopped by ours": string;
  "openid-client": string;
  "openid-client strict": string;
  "jose.jwtVerify": string;
}

/** How many cases each relying party got right. */
export interface VerdictSummary {
  /** Cases run. */
  total: number;
  /** Of those, how many a correct relying party rejects. */
  expectedRejects: number;
  oursCorrect: number;
  openidClientCorrect: number;
  openidClientStrictCorrect: number;
  /** Cases bare jwtVerify can see (not n/a). */
  joseJwtVerifyApplicable: number;
  joseJwtVerifyCorrect: number;
  /** Bad cases (expected reject) each one accepted. */
  oursAcceptedBad: number;
  openidClientAcceptedBad: number;
  openidClientStrictAcceptedBad: number;
  joseJwtVerifyAcceptedBad: number;
}

/** What {@link verdictTable} returns. */
export interface VerdictTable {
  rows: VerdictTableRow[];
  summary: VerdictSummary;
}

function mark(verdict: Verdict, expected: string): string {
  if (verdict === "n/a") return "– n/a";
  return `${verdict === expected ? "✓" : "✗"} ${verdict}`;
}

const correct = (rows: readonly ConformanceRow[], pick: (r: ConformanceRow) => PeerOutcome | { verdict: Verdict }): number =>
  rows.filter((r) => pick(r).verdict === r.expected).length;

const acceptedBad = (rows: readonly ConformanceRow[], pick: (r: ConformanceRow) => { verdict: Verdict }): number =>
  rows.filter((r) => r.expected === "reject" && pick(r).verdict === "accept").length;

/**
 * Turns harness rows into table lines with ✓/✗ marks and counts the correct verdicts.
 *
 * @param rows - from `runConformance`
 * @returns the table lines and the summary
 * @throws never
 * @example
 * const { rows: lines, summary } = verdictTable(await runConformance());
 * lines[0]["openid-client"]; // => "✓ accept"
 * summary.oursCorrect === summary.total; // => true
 */
export function verdictTable(rows: readonly ConformanceRow[]): VerdictTable {
  const lines = rows.map((r) => ({
    case: r.case,
    group: r.group,
    expected: r.expected,
    ours: mark(r.ours.verdict, r.expected),
    "stopped by ours": r.ours.code === null ? "" : `${r.ours.code} (${r.ours.step})`,
    "openid-client": mark(r.openidClient.verdict, r.expected),
    "openid-client strict": mark(r.openidClientStrict.verdict, r.expected),
    "jose.jwtVerify": mark(r.joseJwtVerify.verdict, r.expected),
  }));
  const summary: VerdictSummary = {
    total: rows.length,
    expectedRejects: rows.filter((r) => r.expected === "reject").length,
    oursCorrect: correct(rows, (r) => r.ours),
    openidClientCorrect: correct(rows, (r) => r.openidClient),
    openidClientStrictCorrect: correct(rows, (r) => r.openidClientStrict),
    joseJwtVerifyApplicable: rows.filter((r) => r.joseJwtVerify.verdict !== "n/a").length,
    joseJwtVerifyCorrect: correct(rows, (r) => r.joseJwtVerify),
    oursAcceptedBad: acceptedBad(rows, (r) => r.ours),
    openidClientAcceptedBad: acceptedBad(rows, (r) => r.openidClient),
    openidClientStrictAcceptedBad: acceptedBad(rows, (r) => r.openidClientStrict),
    joseJwtVerifyAcceptedBad: acceptedBad(rows, (r) => r.joseJwtVerify),
  };
  return { rows: lines, summary };
}
