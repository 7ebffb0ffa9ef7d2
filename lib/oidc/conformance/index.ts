/**
 * Day 3, ID tokens: the conformance harness. The OpenID RP certification cases, the RFC 8725
 * catalogue and the flow attacks, each run through our relying party, openid-client (default
 * and with non-repudiation checks) and bare `jose.jwtVerify` against the misbehaving provider,
 * with the verdict table the notebook shows; and a tiny relying-party web app for real browsers.
 * @module oidc/conformance
 */
export { ConformanceError, type ConformanceErrorCode } from "./errors.js";
export {
  type CaseGroup,
  type ExpectedVerdict,
  type CaseClient,
  type ScriptedAttack,
  type ConformanceCase,
  CONFORMANCE_CASES,
  CONFORMANCE_CASE_NAMES,
} from "./cases.js";
export {
  type Verdict,
  type OursOutcome,
  type PeerOutcome,
  type AttackerFetchCounts,
  type ConformanceRow,
  type ConformanceOptions,
  DEFAULT_ROTATION_GAP_SEC,
  describeError,
  runConformance,
} from "./harness.js";
export { type VerdictTableRow, type VerdictSummary, type VerdictTable, verdictTable } from "./table.js";
export { type RpAppOptions, type RpApp, listenRelyingPartyApp } from "./rp-app.js";
