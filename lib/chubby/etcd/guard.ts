/**
 * @module chubby/etcd/guard
 *
 * Never leave a process behind. Every etcd member and election candidate
 * this folder starts is tracked here until it has exited, with the temporary
 * directories it uses. Two nets catch what a failing cell or test forgets:
 *
 * - a `process.on("exit")` handler that SIGKILLs what is still tracked and
 *   removes the directories (a normal exit, an uncaught error);
 * - a small reaper child process (`node -e`, {@link REAPER_SOURCE}) that is
 *   told each PID and directory over its stdin and does the same when that
 *   pipe closes, which is also what happens when this process is killed
 *   outright (a Jupyter kernel restart, a vitest worker torn down), where no
 *   exit handler runs. It ignores SIGINT, SIGTERM and SIGHUP so it outlives
 *   a Ctrl+C long enough to clean up, and it is ended (stdin closed, then
 *   SIGKILL by PID) as soon as nothing is tracked.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { rmSync } from "node:fs";

/**
 * The reaper's JavaScript (`node -e`). Protocol, one command a line on
 * stdin: `+p <pid>`, `-p <pid>`, `+d <dir>`, `-d <dir>`. On end of stdin it
 * SIGKILLs every tracked PID, removes every tracked directory and exits.
 *
 * @example
 * spawn(process.execPath, ["-e", REAPER_SOURCE], { stdio: ["pipe", "ignore", "ignore"] });
 */
export const REAPER_SOURCE = String.raw`
const fs = require("node:fs");
const pids = new Set();
const dirs = new Set();
for (const s of ["SIGINT", "SIGTERM", "SIGHUP"]) process.on(s, () => {});
let buf = "";
let done = false;
function reap() {
  if (done) return;
  done = true;
  for (const p of pids) { try { process.kill(p, "SIGKILL"); } catch {} }
  for (const d of dirs) { try { fs.rmSync(d, { recursive: true, force: true }); } catch {} }
  process.exit(0);
}
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => {
  buf += chunk;
  let i;
  while ((i = buf.indexOf("\n")) >= 0) {
    const line = buf.slice(0, i);
    buf = buf.slice(i + 1);
    const op = line.slice(0, 2);
    const arg = line.slice(3);
    if (op === "+p") pids.add(Number(arg));
    else if (op === "-p") pids.delete(Number(arg));
    else if (op === "+d") dirs.add(arg);
    else if (op === "-d") dirs.delete(arg);
  }
});
process.stdin.on("end", reap);
process.stdin.on("error", reap);
process.stdout.on("error", () => {});
process.stdout.write("ready\n");
`;

const pids = new Set<number>();
const dirs = new Set<string>();
let reaper: ChildProcess | undefined;
let exitHandlerInstalled = false;

function onExit(): void {
  for (const p of pids) {
    try {
      process.kill(p, "SIGKILL");
    } catch {
      // already gone
    }
  }
  for (const d of dirs) {
    try {
      rmSync(d, { recursive: true, force: true });
    } catch {
      // best effort at exit
    }
  }
}

function tell(line: string): void {
  if (reaper === undefined || reaper.exitCode !== null || reaper.signalCode !== null) {
    reaper = spawn(process.execPath, ["-e", REAPER_SOURCE], { stdio: ["pipe", "ignore", "ignore"] });
    reaper.on("error", () => undefined); // a failed spawn only loses the second net
    reaper.stdin!.on("error", () => undefined);
    reaper.unref();
    (reaper.stdin as unknown as { unref?: () => void }).unref?.();
    for (const p of pids) reaper.stdin!.write(`+p ${p}\n`);
    for (const d of dirs) reaper.stdin!.write(`+d ${d}\n`);
  }
  reaper.stdin!.write(`${line}\n`);
}

function maybeEndReaper(): void {
  if (pids.size > 0 || dirs.size > 0 || reaper === undefined) return;
  const r = reaper;
  reaper = undefined;
  r.stdin!.end();
  // The reaper exits on end of stdin; make sure by PID.
  const t = setTimeout(() => {
    if (r.exitCode === null && r.signalCode === null && r.pid !== undefined) {
      try {
        process.kill(r.pid, "SIGKILL");
      } catch {
        // gone
      }
    }
  }, 2000);
  t.unref();
}

/**
 * Tracks a child process until it exits: killed by the exit handler and the
 * reaper if this process ends first. Call {@link untrackPid} once it exited.
 *
 * @param pid - the child's PID
 * @returns nothing
 * @throws never
 * @example
 * const child = spawn("etcd", args); trackPid(child.pid!);
 * child.once("exit", () => untrackPid(child.pid!));
 */
export function trackPid(pid: number): void {
  if (!exitHandlerInstalled) {
    process.on("exit", onExit);
    exitHandlerInstalled = true;
  }
  pids.add(pid);
  tell(`+p ${pid}`);
}

/**
 * Stops tracking a PID (its process has exited).
 *
 * @param pid - a PID given to {@link trackPid}
 * @returns nothing
 * @throws never
 * @example
 * untrackPid(child.pid!);
 */
export function untrackPid(pid: number): void {
  if (!pids.delete(pid)) return;
  if (reaper !== undefined) tell(`-p ${pid}`);
  maybeEndReaper();
}

/**
 * Tracks a temporary directory: removed by the exit handler and the reaper
 * if this process ends before {@link untrackDir}.
 *
 * @param dir - an absolute path
 * @returns nothing
 * @throws never
 * @example
 * const d = mkdtempSync(join(tmpdir(), "etcd-")); trackDir(d);
 */
export function trackDir(dir: string): void {
  if (!exitHandlerInstalled) {
    process.on("exit", onExit);
    exitHandlerInstalled = true;
  }
  dirs.add(dir);
  tell(`+d ${dir}`);
}

/**
 * Stops tracking a directory (it was removed).
 *
 * @param dir - a path given to {@link trackDir}
 * @returns nothing
 * @throws never
 * @example
 * rmSync(d, { recursive: true, force: true }); untrackDir(d);
 */
export function untrackDir(dir: string): void {
  if (!dirs.delete(dir)) return;
  if (reaper !== undefined) tell(`-d ${dir}`);
  maybeEndReaper();
}

/**
 * What is tracked right now, and the reaper's PID (for tests).
 *
 * @returns copies of the tracked PIDs and directories
 * @throws never
 * @example
 * trackedProcesses().pids; // => [] when everything was stopped
 */
export function trackedProcesses(): { pids: number[]; dirs: string[]; reaperPid: number | undefined } {
  return { pids: [...pids], dirs: [...dirs], reaperPid: reaper?.pid };
}
