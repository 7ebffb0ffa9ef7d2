/**
 * @module sticky/haproxy/process
 *
 * Runs HAProxy for real: `haproxy -db -f <cfg>` in the foreground as a child
 * process (its own PID), on a free port of 127.0.0.1, with its configuration
 * and admin socket in a temporary directory that `stop()` removes. No
 * daemon, no system service: the process lives exactly as long as the
 * handle (and is killed if this Node process exits first).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import * as net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { StickyError } from "../errors.js";
import { adminCommand, type HaproxyServerState, parseServersState } from "./admin.js";
import { HAPROXY_BACKEND, type HaproxyConfigOptions, type HaproxyServer, haproxyConfig } from "./config.js";
import { HaproxyError } from "./errors.js";
import { freePort } from "../../host/index.js";
import { HAPROXY_SKIP_MESSAGE, haproxyAvailable } from "./locate.js";

/** Options of {@link startHaproxy}: the configuration's, minus what it picks itself. */
export interface StartHaproxyOptions extends Omit<HaproxyConfigOptions, "port" | "adminSocket"> {
  /** The binary; default {@link haproxyAvailable}'s answer. */
  haproxyPath?: string;
  /** How long to wait for it to accept connections, in ms; default 5000. */
  startTimeoutMs?: number;
}

/** A running HAProxy. */
export interface HaproxyHandle {
  /** `http://127.0.0.1:<port>`: where clients connect. */
  readonly url: string;
  readonly port: number;
  /** The child process's PID. */
  readonly pid: number;
  /** The configuration it runs (see {@link haproxyConfig}). */
  readonly config: string;
  /** Its admin socket's path. */
  readonly socketPath: string;
  /** The affinity cookie's name (default "SERVERID"). */
  readonly cookieName: string;
  /** The server ids, in configuration order. */
  readonly servers: readonly string[];
  /** Resolves when the process has exited. */
  readonly exited: Promise<void>;
  /** What HAProxy has printed on stderr so far (warnings such as "Server be/A is DOWN"). */
  log(): string;
  /** Sends one runtime-API command over the admin socket; resolves to the answer. */
  admin(command: string): Promise<string>;
  /** `set server be/<id> state drain`: no new users, sticky users stay. */
  drain(id: string): Promise<void>;
  /** `set server be/<id> state ready`. */
  ready(id: string): Promise<void>;
  /** `set server be/<id> state maint`: no traffic at all. */
  maint(id: string): Promise<void>;
  /** Every server's health and administrative state (`show servers state be`). */
  serverStates(): Promise<HaproxyServerState[]>;
  /** Kills the process by PID (SIGTERM, SIGKILL after 2 s), waits for it, removes the temp dir. Idempotent. */
  stop(): Promise<void>;
}

/** A free TCP port on 127.0.0.1 (HAProxy itself cannot bind port 0): the host helper, re-exported. */
export { freePort };

function canConnect(port: number): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    const s = net.connect(port, "127.0.0.1");
    s.once("connect", () => {
      s.destroy();
      resolve(true);
    });
    s.once("error", () => resolve(false));
  });
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** One attempt: spawn, wait until it listens; returns the child or why it failed. */
async function launch(
  path: string,
  cfgFile: string,
  port: number,
  socketPath: string,
  startTimeoutMs: number,
): Promise<{ child: ChildProcess; exited: Promise<void>; stderr: () => string; hasExited: () => boolean } | { failed: string; stderr: string }> {
  const child = spawn(path, ["-db", "-f", cfgFile], { stdio: ["ignore", "ignore", "pipe"] });
  let err = "";
  child.stderr?.setEncoding("utf8");
  child.stderr?.on("data", (d: string) => {
    if (err.length < 64 * 1024) err += d;
  });
  let gone = false;
  const exited = new Promise<void>((resolve) => {
    child.once("exit", () => {
      gone = true;
      resolve();
    });
    child.once("error", (e) => {
      gone = true;
      err += `\n${e.message}`;
      resolve();
    });
  });
  const deadline = performance.now() + startTimeoutMs;
  while (performance.now() < deadline) {
    if (gone) return { failed: "exited before accepting connections", stderr: err };
    if (existsSync(socketPath) && (await canConnect(port))) {
      return { child, exited, stderr: () => err, hasExited: () => gone };
    }
    await sleep(20);
  }
  if (!gone) child.kill("SIGKILL");
  await exited;
  return { failed: `not accepting connections after ${startTimeoutMs} ms`, stderr: err };
}

/**
 * Starts HAProxy in the foreground (`haproxy -db -f cfg`) on a free port of
 * 127.0.0.1 in front of the given servers, and waits until it accepts
 * connections and its admin socket exists.
 *
 * @param options - servers and settings, see {@link StartHaproxyOptions} and {@link HaproxyConfigOptions}
 * @returns a handle; always `await handle.stop()` when done
 * @throws {StickyError} ERR_STICKY_INPUT for bad options (checked before anything starts);
 *   the promise rejects with {@link HaproxyError} ERR_HAPROXY_MISSING when there
 *   is no binary, ERR_HAPROXY_START (with its stderr) when it exits or does not
 *   listen in time; nothing is left running and the temp dir is removed
 * @example
 * const hap = await startHaproxy({ servers: [{ id: "A", port: a.port }, { id: "B", port: b.port }] });
 * // createClient(hap.url).get("/cart") => { server: "A", ... }, Set-Cookie: SERVERID=A
 * await hap.drain("A");
 * await hap.stop();
 */
export async function startHaproxy(options: StartHaproxyOptions): Promise<HaproxyHandle> {
  const o = options ?? ({} as StartHaproxyOptions);
  const startTimeoutMs = o.startTimeoutMs ?? 5000;
  if (!Number.isSafeInteger(startTimeoutMs) || startTimeoutMs < 1) {
    throw new StickyError("ERR_STICKY_INPUT", "startHaproxy: startTimeoutMs must be a positive integer");
  }
  const { haproxyPath, startTimeoutMs: _ignored, ...cfgOptions } = o;
  // Validate everything before touching the file system (placeholder port and path).
  haproxyConfig({ ...cfgOptions, port: 1, adminSocket: "/tmp/validate.sock" });
  const path = haproxyPath ?? haproxyAvailable();
  if (path === null) throw new HaproxyError("ERR_HAPROXY_MISSING", HAPROXY_SKIP_MESSAGE);
  if (typeof path !== "string" || !path.startsWith("/")) {
    throw new StickyError("ERR_STICKY_INPUT", "startHaproxy: haproxyPath must be an absolute path");
  }
  const servers: readonly HaproxyServer[] = cfgOptions.servers;
  const ids = servers.map((s) => s.id);
  const cookieName = cfgOptions.cookieName ?? "SERVERID";

  const dir = mkdtempSync(join(tmpdir(), "sticky-haproxy-"));
  const socketPath = join(dir, "admin.sock");
  const cfgFile = join(dir, "haproxy.cfg");
  const cleanup = (): void => rmSync(dir, { recursive: true, force: true });
  let launched: Exclude<Awaited<ReturnType<typeof launch>>, { failed: string }> | undefined;
  let port = 0;
  let config = "";
  try {
    let lastError: { failed: string; stderr: string } | undefined;
    for (let attempt = 0; attempt < 3 && launched === undefined; attempt++) {
      port = await freePort();
      config = haproxyConfig({ ...cfgOptions, port, adminSocket: socketPath });
      writeFileSync(cfgFile, config, { mode: 0o600 });
      const r = await launch(path, cfgFile, port, socketPath, startTimeoutMs);
      if ("failed" in r) {
        lastError = r;
        // Only a lost race for the port is worth another try.
        if (!/cannot bind|address already in use/i.test(r.stderr)) break;
      } else launched = r;
    }
    if (launched === undefined) {
      throw new HaproxyError("ERR_HAPROXY_START", `haproxy ${lastError?.failed ?? "did not start"}`, lastError?.stderr ?? "");
    }
  } catch (e) {
    cleanup();
    throw e;
  }
  const { child, exited, stderr, hasExited } = launched;
  const pid = child.pid as number;
  // If this Node process exits without stop(), do not leave HAProxy running.
  const onExit = (): void => {
    if (!hasExited()) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // already gone
      }
    }
    cleanup();
  };
  process.once("exit", onExit);

  const checkId = (id: string, fn: string): string => {
    if (typeof id !== "string" || !ids.includes(id)) {
      throw new StickyError("ERR_STICKY_INPUT", `${fn}: unknown server id ${JSON.stringify(id)}`);
    }
    return id;
  };
  const admin = (command: string): Promise<string> => adminCommand(socketPath, command);
  const setState = async (id: string, state: "ready" | "drain" | "maint"): Promise<void> => {
    const answer = await admin(`set server ${HAPROXY_BACKEND}/${checkId(id, state)} state ${state}`);
    if (answer.trim() !== "") {
      throw new HaproxyError("ERR_HAPROXY_ADMIN", `set server ${HAPROXY_BACKEND}/${id} state ${state} failed`, answer);
    }
  };
  let stopped: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    pid,
    config,
    socketPath,
    cookieName,
    servers: ids,
    exited,
    log: stderr,
    admin,
    drain: (id) => setState(id, "drain"),
    ready: (id) => setState(id, "ready"),
    maint: (id) => setState(id, "maint"),
    serverStates: async () => parseServersState(await admin(`show servers state ${HAPROXY_BACKEND}`)),
    stop(): Promise<void> {
      stopped ??= (async () => {
        if (!hasExited()) {
          process.kill(pid, "SIGTERM"); // -db: SIGTERM stops at once
          const t = setTimeout(() => {
            if (!hasExited()) process.kill(pid, "SIGKILL");
          }, 2000);
          await exited;
          clearTimeout(t);
        }
        process.off("exit", onExit);
        cleanup();
      })();
      return stopped;
    },
  };
}
