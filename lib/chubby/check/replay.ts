/**
 * @module chubby/check/replay
 *
 * The one-line shell command that re-runs a failing seed, and its parser.
 * The simulation is deterministic, so a seed, a scenario name and an
 * optional broken variant are all it takes to get the identical run back:
 *
 * ```sh
 * npx tsx scripts/chubby-replay.ts --seed 123 --scenario sweep --variant no-lock-delay
 * ```
 */
import { CheckError } from "./errors.js";

/** The script the replay command runs (relative to the repository root). */
export const REPLAY_SCRIPT = "scripts/chubby-replay.ts";

/** What a replay command names. */
export interface ReplaySpec {
  /** The run's seed (a safe integer). */
  seed: number;
  /** The scenario's name. */
  scenario: string;
  /** A deliberately broken variant (e.g. `no-lock-delay`), if any. */
  variant?: string;
}

/** Characters that never need shell quoting. */
const SAFE_WORD = /^[A-Za-z0-9_.,:/=@%+-]+$/;

/** Quotes one word for a POSIX shell (single quotes, `'` as `'\''`). */
function shellQuote(word: string): string {
  return SAFE_WORD.test(word) ? word : "'" + word.replace(/'/g, "'\\''") + "'";
}

function checkSpec(seed: unknown, scenario: unknown, variant: unknown): void {
  if (typeof seed !== "number" || !Number.isSafeInteger(seed)) {
    throw new CheckError("ERR_CHECK_INPUT", `seed must be a safe integer, got ${String(seed)}`);
  }
  if (typeof scenario !== "string" || scenario.length === 0 || scenario.startsWith("-")) {
    throw new CheckError("ERR_CHECK_INPUT", `scenario must be a non-empty name not starting with "-", got ${String(scenario)}`);
  }
  if (variant !== undefined && (typeof variant !== "string" || variant.length === 0 || variant.startsWith("-"))) {
    throw new CheckError("ERR_CHECK_INPUT", `variant must be a non-empty name not starting with "-", got ${String(variant)}`);
  }
}

/**
 * The one-line command that replays a seed.
 *
 * @param seed - the run's seed
 * @param scenarioName - the scenario's name (quoted if the shell needs it)
 * @param variant - a broken variant's name, if the run used one
 * @returns the command, e.g. `npx tsx scripts/chubby-replay.ts --seed 123 --scenario sweep`
 * @throws {CheckError} `ERR_CHECK_INPUT` on a non-integer seed or an empty name
 * @example
 * replayCommand(123, "sweep", "no-lock-delay");
 * // => "npx tsx scripts/chubby-replay.ts --seed 123 --scenario sweep --variant no-lock-delay"
 */
export function replayCommand(seed: number, scenarioName: string, variant?: string): string {
  checkSpec(seed, scenarioName, variant);
  const words = ["npx", "tsx", REPLAY_SCRIPT, "--seed", String(seed), "--scenario", shellQuote(scenarioName)];
  if (variant !== undefined) words.push("--variant", shellQuote(variant));
  return words.join(" ");
}

/** Splits a command line into words the way a POSIX shell does (quotes and backslashes, no expansions). */
function shellWords(line: string): string[] {
  const words: string[] = [];
  let cur = "";
  let inWord = false;
  let i = 0;
  while (i < line.length) {
    const c = line[i];
    if (c === " " || c === "\t" || c === "\n") {
      if (inWord) words.push(cur);
      cur = "";
      inWord = false;
      i++;
    } else if (c === "'") {
      const end = line.indexOf("'", i + 1);
      if (end < 0) throw new CheckError("ERR_CHECK_REPLAY", "unterminated single quote in replay command");
      cur += line.slice(i + 1, end);
      inWord = true;
      i = end + 1;
    } else if (c === '"') {
      i++;
      for (;;) {
        if (i >= line.length) throw new CheckError("ERR_CHECK_REPLAY", "unterminated double quote in replay command");
        const d = line[i];
        if (d === '"') break;
        if (d === "\\" && i + 1 < line.length && '"\\$`'.includes(line[i + 1])) {
          cur += line[i + 1];
          i += 2;
        } else {
          cur += d;
          i++;
        }
      }
      inWord = true;
      i++;
    } else if (c === "\\") {
      if (i + 1 >= line.length) throw new CheckError("ERR_CHECK_REPLAY", "trailing backslash in replay command");
      cur += line[i + 1];
      inWord = true;
      i += 2;
    } else {
      cur += c;
      inWord = true;
      i++;
    }
  }
  if (inWord) words.push(cur);
  return words;
}

/**
 * Parses the replay script's arguments: `--seed N --scenario NAME [--variant NAME]`
 * (also `--seed=N` forms), in any order.
 *
 * @param argv - the arguments after the script, e.g. `process.argv.slice(2)`
 * @returns the seed, scenario and variant
 * @throws {CheckError} `ERR_CHECK_REPLAY` on an unknown, repeated or missing flag or a bad seed
 * @example
 * parseReplayArgs(["--seed", "7", "--scenario", "sweep"]); // => { seed: 7, scenario: "sweep" }
 */
export function parseReplayArgs(argv: readonly string[]): ReplaySpec {
  const seen = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const m = /^--(seed|scenario|variant)(?:=(.*))?$/.exec(a);
    if (!m) throw new CheckError("ERR_CHECK_REPLAY", `unexpected argument ${JSON.stringify(a)} (expected --seed, --scenario, --variant)`);
    const flag = m[1];
    let value = m[2];
    if (value === undefined) {
      if (i + 1 >= argv.length) throw new CheckError("ERR_CHECK_REPLAY", `--${flag} needs a value`);
      value = argv[++i];
    }
    if (seen.has(flag)) throw new CheckError("ERR_CHECK_REPLAY", `--${flag} given twice`);
    seen.set(flag, value);
  }
  const seedText = seen.get("seed");
  const scenario = seen.get("scenario");
  if (seedText === undefined || scenario === undefined) throw new CheckError("ERR_CHECK_REPLAY", "a replay needs --seed and --scenario");
  if (!/^-?\d+$/.test(seedText) || !Number.isSafeInteger(Number(seedText))) {
    throw new CheckError("ERR_CHECK_REPLAY", `--seed must be a decimal safe integer, got ${JSON.stringify(seedText)}`);
  }
  const variant = seen.get("variant");
  try {
    checkSpec(Number(seedText), scenario, variant);
  } catch (e) {
    throw new CheckError("ERR_CHECK_REPLAY", (e as Error).message);
  }
  return variant === undefined ? { seed: Number(seedText), scenario } : { seed: Number(seedText), scenario, variant };
}

/**
 * Parses a replay command line back into its seed, scenario and variant: the
 * words after the `chubby-replay.ts` script (whatever runs it) are read by
 * {@link parseReplayArgs}.
 *
 * @param command - a line as {@link replayCommand} writes it
 * @returns the seed, scenario and variant
 * @throws {CheckError} `ERR_CHECK_REPLAY` when the line does not run the replay script or its flags are bad
 * @example
 * parseReplayCommand("npx tsx scripts/chubby-replay.ts --seed 123 --scenario sweep --variant no-lock-delay");
 * // => { seed: 123, scenario: "sweep", variant: "no-lock-delay" }
 */
export function parseReplayCommand(command: string): ReplaySpec {
  if (typeof command !== "string") throw new CheckError("ERR_CHECK_REPLAY", "the replay command must be a string");
  const words = shellWords(command.trim());
  const at = words.findIndex((w) => w === REPLAY_SCRIPT || w.endsWith("/chubby-replay.ts") || w === "chubby-replay.ts");
  if (at < 0) throw new CheckError("ERR_CHECK_REPLAY", `not a replay command (no ${REPLAY_SCRIPT}): ${command}`);
  return parseReplayArgs(words.slice(at + 1));
}
