/**
 * @module sticky/haproxy/admin
 *
 * HAProxy's runtime API over its admin socket (a Unix socket): one command
 * per connection, answer read until HAProxy closes it. Used to drain a
 * server (`set server be/B state drain`) and to read the servers' states.
 */
import * as net from "node:net";
import { StickyError } from "../errors.js";
import { HaproxyError } from "./errors.js";

/** One server's state as `show servers state` reports it. */
export interface HaproxyServerState {
  /** The server's name (our server id). */
  id: string;
  /** Health: true while HAProxy sends it traffic (operational state RUNNING or STARTING). */
  up: boolean;
  /** Administrative state: ready, drain (no new users) or maint (no traffic). */
  admin: "ready" | "drain" | "maint";
  /** `srv_op_state`: 0 stopped, 1 starting, 2 running, 3 stopping. */
  opState: number;
  /** `srv_admin_state`: bit field (1/2/4/0x20/0x40 maintenance, 8/0x10 drain). */
  adminState: number;
}

/** Maintenance bits of `srv_admin_state` (forced, inherited, config, resolution, hostname). */
const MAINT_BITS = 0x01 | 0x02 | 0x04 | 0x20 | 0x40;
/** Drain bits of `srv_admin_state` (forced, inherited). */
const DRAIN_BITS = 0x08 | 0x10;

/**
 * Sends one command to HAProxy's admin socket and returns its answer.
 *
 * @param socketPath - the `stats socket` path
 * @param command - one runtime-API command, e.g. `show servers state be`
 * @param timeoutMs - give up after this long (default 2000)
 * @returns HAProxy's answer, as text (an empty line means success for `set` commands)
 * @throws {StickyError} ERR_STICKY_INPUT for an empty command or one with a newline;
 *   the promise rejects with {@link HaproxyError} ERR_HAPROXY_ADMIN if the socket
 *   cannot be reached or does not answer in time
 * @example
 * await adminCommand("/tmp/hap-x/admin.sock", "set server be/B state drain"); // => "\n"
 */
export function adminCommand(socketPath: string, command: string, timeoutMs = 2000): Promise<string> {
  if (typeof command !== "string" || command.trim() === "" || /[\r\n]/.test(command)) {
    throw new StickyError("ERR_STICKY_INPUT", "adminCommand: command must be one non-empty line");
  }
  if (!Number.isSafeInteger(timeoutMs) || timeoutMs < 1) {
    throw new StickyError("ERR_STICKY_INPUT", "adminCommand: timeoutMs must be a positive integer");
  }
  return new Promise<string>((resolve, reject) => {
    const s = net.connect(socketPath);
    let out = "";
    let settled = false;
    const done = (err: Error | null): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      s.destroy();
      if (err) reject(err);
      else resolve(out);
    };
    const timer = setTimeout(
      () => done(new HaproxyError("ERR_HAPROXY_ADMIN", `admin socket: no answer to "${command}" in ${timeoutMs} ms`, out)),
      timeoutMs,
    );
    s.setEncoding("utf8");
    s.on("data", (d: string) => {
      out += d;
    });
    s.on("end", () => done(null));
    s.on("error", (e) => done(new HaproxyError("ERR_HAPROXY_ADMIN", `admin socket ${socketPath}: ${e.message}`)));
    s.write(`${command}\n`);
  });
}

/**
 * Parses the answer to `show servers state <backend>` (format version 1).
 *
 * @param text - HAProxy's answer
 * @returns one entry per server, in configuration order
 * @throws {HaproxyError} ERR_HAPROXY_ADMIN if the text is not that format
 *   (e.g. an error message such as "Can't find backend.")
 * @example
 * parseServersState("1\n# be_id be_name srv_id srv_name srv_addr srv_op_state srv_admin_state\n3 be 1 A 127.0.0.1 2 8\n");
 * // => [{ id: "A", up: true, admin: "drain", opState: 2, adminState: 8 }]
 */
export function parseServersState(text: string): HaproxyServerState[] {
  const lines = String(text).split("\n").map((l) => l.trim()).filter((l) => l !== "");
  const header = lines.find((l) => l.startsWith("#"));
  if (lines[0] !== "1" || header === undefined) {
    throw new HaproxyError("ERR_HAPROXY_ADMIN", "show servers state: unexpected answer", String(text));
  }
  const cols = header.slice(1).trim().split(/\s+/);
  const at = (name: string): number => {
    const i = cols.indexOf(name);
    if (i < 0) throw new HaproxyError("ERR_HAPROXY_ADMIN", `show servers state: no column ${name}`, String(text));
    return i;
  };
  const iName = at("srv_name");
  const iOp = at("srv_op_state");
  const iAdmin = at("srv_admin_state");
  const out: HaproxyServerState[] = [];
  for (const line of lines.slice(1)) {
    if (line.startsWith("#")) continue;
    const f = line.split(/\s+/);
    const opState = Number(f[iOp]);
    const adminState = Number(f[iAdmin]);
    if (f[iName] === undefined || !Number.isInteger(opState) || !Number.isInteger(adminState)) {
      throw new HaproxyError("ERR_HAPROXY_ADMIN", "show servers state: malformed line", line);
    }
    out.push({
      id: f[iName],
      up: opState === 1 || opState === 2,
      admin: (adminState & MAINT_BITS) !== 0 ? "maint" : (adminState & DRAIN_BITS) !== 0 ? "drain" : "ready",
      opState,
      adminState,
    });
  }
  return out;
}
