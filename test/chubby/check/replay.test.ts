import { describe, it, expect } from "vitest";
import fc from "fast-check";
import { execFileSync } from "node:child_process";
import {
  CheckError,
  REPLAY_SCRIPT,
  parseReplayArgs,
  parseReplayCommand,
  replayCommand,
} from "../../../lib/chubby/check/index.js";

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    return e instanceof CheckError ? e.code : "other";
  }
  return "none";
}

describe("replayCommand", () => {
  it("writes the one-line command of the issue", () => {
    expect(replayCommand(123, "sweep", "no-lock-delay")).toBe(
      "npx tsx scripts/chubby-replay.ts --seed 123 --scenario sweep --variant no-lock-delay",
    );
    expect(replayCommand(-7, "web-election")).toBe(`npx tsx ${REPLAY_SCRIPT} --seed -7 --scenario web-election`);
  });

  it("quotes names the shell would split or expand", () => {
    expect(replayCommand(1, "two words")).toBe("npx tsx scripts/chubby-replay.ts --seed 1 --scenario 'two words'");
    expect(replayCommand(1, "it's $HOME")).toBe("npx tsx scripts/chubby-replay.ts --seed 1 --scenario 'it'\\''s $HOME'");
  });

  it("rejects a non-integer seed and empty or flag-like names", () => {
    expect(codeOf(() => replayCommand(1.5, "s"))).toBe("ERR_CHECK_INPUT");
    expect(codeOf(() => replayCommand(1, ""))).toBe("ERR_CHECK_INPUT");
    expect(codeOf(() => replayCommand(1, "s", "--x"))).toBe("ERR_CHECK_INPUT");
  });
});

describe("parseReplayCommand / parseReplayArgs", () => {
  it("reads back what replayCommand wrote (property, names with spaces and quotes included)", () => {
    const name = fc.string({ minLength: 1, maxLength: 20 }).filter((s) => !s.startsWith("-"));
    fc.assert(
      fc.property(fc.integer({ min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }), name, fc.option(name, { nil: undefined }), (seed, scenario, variant) => {
        const spec = parseReplayCommand(replayCommand(seed, scenario, variant));
        expect(spec).toEqual(variant === undefined ? { seed, scenario } : { seed, scenario, variant });
      }),
      { numRuns: 500 },
    );
  });

  it("agrees with a real POSIX shell on how the command splits into words", () => {
    const cmd = replayCommand(42, "it's a \"test\" $x", "no lock-delay");
    // printf prints each argument on its own line; the shell does the splitting.
    const out = execFileSync("sh", ["-c", cmd.replace(/^npx tsx /, "printf '%s\\n' ")], { encoding: "utf8" });
    expect(out.split("\n").slice(0, -1)).toEqual([REPLAY_SCRIPT, "--seed", "42", "--scenario", "it's a \"test\" $x", "--variant", "no lock-delay"]);
  });

  it("accepts --flag=value forms, any order, and another runner", () => {
    expect(parseReplayCommand('node --import tsx ./scripts/chubby-replay.ts --scenario="a b" --seed=9')).toEqual({ seed: 9, scenario: "a b" });
    expect(parseReplayArgs(["--variant", "fencing-off", "--scenario", "sweep", "--seed", "0"])).toEqual({
      seed: 0,
      scenario: "sweep",
      variant: "fencing-off",
    });
  });

  it("rejects other commands, missing, repeated or unknown flags, and bad seeds", () => {
    expect(codeOf(() => parseReplayCommand("npx tsx scripts/other.ts --seed 1 --scenario s"))).toBe("ERR_CHECK_REPLAY");
    expect(codeOf(() => parseReplayArgs(["--seed", "1"]))).toBe("ERR_CHECK_REPLAY");
    expect(codeOf(() => parseReplayArgs(["--seed", "1", "--seed", "2", "--scenario", "s"]))).toBe("ERR_CHECK_REPLAY");
    expect(codeOf(() => parseReplayArgs(["--seed", "1", "--scenario", "s", "--fast"]))).toBe("ERR_CHECK_REPLAY");
    expect(codeOf(() => parseReplayArgs(["--seed", "0x10", "--scenario", "s"]))).toBe("ERR_CHECK_REPLAY");
    expect(codeOf(() => parseReplayArgs(["--seed", "99999999999999999", "--scenario", "s"]))).toBe("ERR_CHECK_REPLAY");
    expect(codeOf(() => parseReplayArgs(["--seed"]))).toBe("ERR_CHECK_REPLAY");
    expect(codeOf(() => parseReplayCommand("npx tsx scripts/chubby-replay.ts --seed 1 --scenario 'open"))).toBe("ERR_CHECK_REPLAY");
  });
});
