/**
 * Random command logs for property tests: a few sessions, names and handle ids, so commands
 * collide (same locks, same names, handles of other sessions, stale handles) and most code paths run.
 */
import fc from "fast-check";
import { type Command, type Subscription, applyCommand, createCellState } from "../../../lib/chubby/cell/index.js";

export const SESSIONS = ["A", "B", "C", "D"];
export const PATHS = ["/ls/local/d", "/ls/local/d/x", "/ls/local/d/y", "/ls/local/l", "/ls/local/e"];
/** The name most commands contend for. */
const LOCK = "/ls/local/l";
const USERS = ["alice", "bob"];
const SUBS: Subscription[] = ["contentsModified", "childNode", "lockAcquired", "conflictingLockRequest"];

/** A command without its time. */
type Unstamped = Command extends infer C ? (C extends Command ? Omit<C, "at"> : never) : never;

/** A command without its time, plus the delay before it (ms), and how to aim it. */
type Step = { dt: number; cmd: Unstamped; aim: number | null; epoch: number | null };

const session = fc.constantFrom(...SESSIONS);
const handle = fc.integer({ min: 1, max: 40 });
const onHandle = <T extends string>(type: T) => fc.record({ type: fc.constant(type), session, handle });

const commandArb: fc.Arbitrary<Unstamped> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ type: fc.constant("createSession" as const), session, user: fc.constantFrom(...USERS) }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant("closeSession" as const), session }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant("expireSession" as const), session }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant("newEpoch" as const), epoch: fc.integer({ min: 0, max: 6 }) }) },
  {
    weight: 6,
    arbitrary: fc.record(
      {
        type: fc.constant("open" as const),
        session,
        path: fc.constantFrom(...PATHS, LOCK, LOCK, LOCK, LOCK),
        mode: fc.constantFrom("read" as const, "write" as const, "write" as const),
        create: fc.constantFrom(true, true, true, false),
        exclusive: fc.constantFrom(false, false, false, true),
        directory: fc.constantFrom(false, false, false, false, true),
        ephemeral: fc.constantFrom(false, false, false, true),
        contents: fc.constantFrom("", "v1", "héllo"),
        events: fc.subarray(SUBS),
      },
      { requiredKeys: ["type", "session", "path", "mode"] },
    ),
  },
  { weight: 2, arbitrary: onHandle("close" as const) },
  { weight: 1, arbitrary: onHandle("getContentsAndStat" as const) },
  { weight: 1, arbitrary: onHandle("getStat" as const) },
  { weight: 1, arbitrary: onHandle("readDir" as const) },
  {
    weight: 2,
    arbitrary: fc.record(
      { type: fc.constant("setContents" as const), session, handle, contents: fc.constantFrom("a", "bb", "ccc"), ifGeneration: fc.nat(80) },
      { requiredKeys: ["type", "session", "handle", "contents"] },
    ),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      type: fc.constant("setACL" as const),
      session,
      handle,
      acl: fc.constantFrom({ writers: ["*"] }, { writers: ["alice"] }, { readers: ["bob"], writers: ["*"] }, { readers: ["*"] }),
    }),
  },
  { weight: 1, arbitrary: onHandle("delete" as const) },
  {
    weight: 10,
    arbitrary: fc.record(
      {
        type: fc.constantFrom("acquire" as const, "acquire" as const, "tryAcquire" as const),
        session,
        handle,
        mode: fc.constantFrom("exclusive" as const, "shared" as const),
        lockDelayMs: fc.constantFrom(0, 500, 3_000, 10_000, 60_000, 70_000),
      },
      { requiredKeys: ["type", "session", "handle"] },
    ),
  },
  { weight: 5, arbitrary: onHandle("release" as const) },
  { weight: 1, arbitrary: onHandle("getSequencer" as const) },
  { weight: 2, arbitrary: fc.record({ type: fc.constant("tick" as const) }) },
) as fc.Arbitrary<Unstamped>;

const stepArb: fc.Arbitrary<Step> = fc.record({
  dt: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 4_000 })),
  cmd: commandArb,
  aim: fc.option(fc.nat(), { freq: 6 }),
  epoch: fc.oneof({ weight: 9, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: 6 }) }),
});

/** Sessions A..D and a directory, so random commands find something to act on. */
const SETUP: Unstamped[] = [
  { type: "createSession", session: "A", user: "alice" },
  { type: "createSession", session: "B", user: "bob" },
  { type: "createSession", session: "C", user: "alice" },
  { type: "createSession", session: "D", user: "bob" },
  { type: "open", session: "A", path: "/ls/local/d", mode: "write", create: true, directory: true, events: ["childNode"] },
  ...SESSIONS.map((session) => ({ type: "open" as const, session, path: LOCK, mode: "write" as const, create: true })),
  { type: "open", session: "B", path: "/ls/local/e", mode: "write", create: true, ephemeral: true },
];

/**
 * Turns steps into a log with increasing (sometimes equal) times. Most handle commands are aimed:
 * a scratch replica tells which handles are open and who owns them, so the command names a live
 * handle and its owner (the rest stay random: other sessions' handles, stale or unknown ids).
 */
function toLog(steps: Step[]): Command[] {
  const scratch = createCellState();
  const log: Command[] = [];
  let at = 0;
  const push = (cmd: Command) => {
    applyCommand(scratch, cmd);
    log.push(cmd);
  };
  for (const c of SETUP) push({ ...c, at } as Command);
  for (const s of steps) {
    at += s.dt;
    let cmd = { ...s.cmd, at } as Command;
    if (s.aim !== null && "handle" in cmd) {
      const live = Array.from(scratch.handles.values());
      if (live.length > 0) {
        const h = live[s.aim % live.length];
        cmd = { ...cmd, handle: h.id, session: h.session.id };
      }
    } else if (s.aim !== null && (cmd.type === "open" || cmd.type === "expireSession" || cmd.type === "closeSession")) {
      const live = Array.from(scratch.sessions.keys());
      if (live.length > 0) cmd = { ...cmd, session: live[s.aim % live.length] };
    }
    if (s.epoch !== null && cmd.type !== "newEpoch") cmd = { ...cmd, epoch: s.epoch };
    push(cmd);
  }
  return log;
}

/** A random command log: a fixed setup then minLength..maxLength random commands. */
export function commandLogArb(minLength = 40, maxLength = 160): fc.Arbitrary<Command[]> {
  return fc.array(stepArb, { minLength, maxLength }).map(toLog);
}
