/**
 * @module sticky/proxy/backend
 *
 * A shopping-cart backend: the kind of server sticky sessions exist for. It
 * keeps each session's cart in its own memory (a `Map`), so a user routed to
 * another server finds an empty cart, and a crash loses every cart it held.
 *
 * Endpoints (the same in both modes):
 * - `GET /cart` returns `{ server, sid, items }` for the session named by the
 *   app cookie `sid`; a missing or unknown `sid` starts a new, empty session
 *   and answers with `Set-Cookie: sid=...` (as express-session does).
 * - `POST /cart/items` with JSON `{ "item": "iPhone" }` appends to that cart
 *   and returns the cart; bad JSON or a missing item gives 400.
 * - `GET /health` returns 200 (what the proxy's health checks poll).
 * - `GET /echo/headers` returns `{ server, headers }`: the request headers as
 *   this backend received them (to show the proxy stripped its cookie).
 *
 * Two ways to run one:
 * - {@link startBackend}: in this process, one `http.Server`. `crash()` closes
 *   the listening socket and destroys every open connection at once, which is
 *   what the network sees when a process is killed: refused connections.
 * - {@link spawnBackend}: a child `node` process with its own PID, so it can
 *   really be killed with `SIGKILL`. Its code is {@link CHILD_BACKEND_SOURCE},
 *   run with `node -e`, so no file path has to be found at run time (this
 *   module is also compiled by tslab as CommonJS, without `import.meta`).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import * as http from "node:http";
import type { Socket } from "node:net";
import { isCookieSafeServerId } from "../cookie.js";
import { StickyError } from "../errors.js";

/** Largest request body a backend reads (carts are tiny). */
const MAX_BODY_BYTES = 64 * 1024;
/** Longest item name accepted. */
const MAX_ITEM_LENGTH = 200;

/** A running backend, in this process or in a child process. */
export interface BackendHandle {
  /** The server id (what `GET /cart` reports as `server`). */
  readonly id: string;
  /** How it runs. */
  readonly mode: "in-process" | "child-process";
  /** The TCP port it listens on, on 127.0.0.1. */
  readonly port: number;
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  /** The child's PID (child-process mode), else undefined. */
  readonly pid: number | undefined;
  /** True once it crashed, was killed or stopped. */
  readonly stopped: boolean;
  /** Dies abruptly: open connections are destroyed, new ones refused, carts lost. */
  crash(): Promise<void>;
  /** Stops cleanly (idempotent; also fine after a crash). */
  stop(): Promise<void>;
}

/** Options of {@link startBackend} and {@link spawnBackend}. */
export interface BackendOptions {
  /** Server id, `[A-Za-z0-9_-]{1,64}` (it travels in affinity cookies). */
  id: string;
  /** Port to listen on; default 0 (an ephemeral port). */
  port?: number;
}

function checkBackendOptions(options: BackendOptions, fn: string): { id: string; port: number } {
  const o = options ?? ({} as BackendOptions);
  if (!isCookieSafeServerId(o.id)) {
    throw new StickyError("ERR_STICKY_INPUT", `${fn}: id must match [A-Za-z0-9_-]{1,64}`);
  }
  const port = o.port ?? 0;
  if (!Number.isSafeInteger(port) || port < 0 || port > 65535) {
    throw new StickyError("ERR_STICKY_INPUT", `${fn}: port must be an integer in [0, 65535]`);
  }
  return { id: o.id, port };
}

/** Finds one cookie's value in a Cookie header (first occurrence), or undefined. */
function cookieValue(header: string | undefined, name: string): string | undefined {
  if (header === undefined) return undefined;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

function sendJson(res: http.ServerResponse, status: number, body: unknown, setCookie?: string): void {
  const text = JSON.stringify(body);
  const headers: http.OutgoingHttpHeaders = {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(text),
  };
  if (setCookie !== undefined) headers["set-cookie"] = setCookie;
  res.writeHead(status, headers);
  res.end(text);
}

/**
 * Builds the request handler of a cart backend over its own session store.
 * Exported so the cart logic can be used on any `http.Server`.
 *
 * @param id - the server id reported in every response
 * @returns a request listener and the session store it uses (sid → items)
 * @throws {StickyError} ERR_STICKY_INPUT for an id that is not cookie-safe
 * @example
 * const { handler, sessions } = createCartHandler("A");
 * const server = http.createServer(handler); // GET /cart, POST /cart/items, GET /health
 * sessions.size; // => 0 until the first /cart request
 */
export function createCartHandler(id: string): {
  handler: (req: http.IncomingMessage, res: http.ServerResponse) => void;
  sessions: Map<string, string[]>;
} {
  if (!isCookieSafeServerId(id)) {
    throw new StickyError("ERR_STICKY_INPUT", "createCartHandler: id must match [A-Za-z0-9_-]{1,64}");
  }
  const sessions = new Map<string, string[]>();
  // A session id must be unguessable (it is the only proof of who owns a
  // cart), so it comes from the CSPRNG, not from a seeded generator.
  const session = (req: http.IncomingMessage): { sid: string; items: string[]; setCookie?: string } => {
    const sid = cookieValue(req.headers.cookie, "sid");
    if (sid !== undefined) {
      const items = sessions.get(sid);
      if (items !== undefined) return { sid, items };
    }
    const fresh = randomBytes(12).toString("base64url");
    const items: string[] = [];
    sessions.set(fresh, items);
    return { sid: fresh, items, setCookie: `sid=${fresh}; Path=/; HttpOnly; SameSite=Lax` };
  };
  const handler = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    const path = (req.url ?? "/").split("?")[0];
    if (req.method === "GET" && path === "/health") {
      sendJson(res, 200, { server: id, ok: true });
      return;
    }
    if (req.method === "GET" && path === "/echo/headers") {
      sendJson(res, 200, { server: id, headers: req.headers });
      return;
    }
    if (req.method === "GET" && path === "/cart") {
      const s = session(req);
      sendJson(res, 200, { server: id, sid: s.sid, items: s.items }, s.setCookie);
      return;
    }
    if (req.method === "POST" && path === "/cart/items") {
      const chunks: Buffer[] = [];
      let size = 0;
      let tooBig = false;
      req.on("data", (c: Buffer) => {
        size += c.length;
        if (size > MAX_BODY_BYTES) tooBig = true;
        else chunks.push(c);
      });
      req.on("end", () => {
        if (tooBig) {
          sendJson(res, 413, { server: id, error: "body too large" });
          return;
        }
        let item: unknown;
        try {
          item = (JSON.parse(Buffer.concat(chunks).toString("utf8")) as { item?: unknown })?.item;
        } catch {
          item = undefined;
        }
        if (typeof item !== "string" || item.length === 0 || item.length > MAX_ITEM_LENGTH) {
          sendJson(res, 400, { server: id, error: 'expected JSON {"item": "<1..200 chars>"}' });
          return;
        }
        const s = session(req);
        s.items.push(item);
        sendJson(res, 200, { server: id, sid: s.sid, items: s.items }, s.setCookie);
      });
      req.on("error", () => res.destroy());
      return;
    }
    sendJson(res, 404, { server: id, error: "not found" });
  };
  return { handler, sessions };
}

/**
 * Starts a cart backend in this process on 127.0.0.1.
 *
 * @param options - `{ id, port? }`, see {@link BackendOptions}
 * @returns a handle; `crash()` kills it abruptly, `stop()` closes it
 * @throws {StickyError} ERR_STICKY_INPUT for a bad id or port; the promise
 *   rejects with the listen error (e.g. EADDRINUSE) if it cannot listen
 * @example
 * const a = await startBackend({ id: "A" });
 * // GET a.url + "/cart" => { server: "A", sid: "...", items: [] }
 * await a.crash(); // connections to a.port are now refused
 */
export async function startBackend(options: BackendOptions): Promise<BackendHandle & { readonly sessions: ReadonlyMap<string, readonly string[]> }> {
  const { id, port } = checkBackendOptions(options, "startBackend");
  const { handler, sessions } = createCartHandler(id);
  const server = http.createServer(handler);
  // Track sockets so a crash can destroy them all, idle or busy, like the
  // kernel does when a process dies.
  const sockets = new Set<Socket>();
  server.on("connection", (s: Socket) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const actual = (server.address() as { port: number }).port;
  let stopped = false;
  let closed: Promise<void> | undefined;
  const close = (abrupt: boolean): Promise<void> => {
    if (closed) {
      if (abrupt) for (const s of sockets) s.destroy();
      return closed;
    }
    stopped = true;
    closed = new Promise<void>((resolve) => server.close(() => resolve()));
    if (abrupt) {
      sessions.clear(); // the memory of a dead process is gone
      for (const s of sockets) s.destroy();
    } else {
      server.closeIdleConnections();
      // Busy connections get a moment to finish, then are cut: stop() must end.
      const t = setTimeout(() => server.closeAllConnections(), 1000);
      t.unref();
      void closed.then(() => clearTimeout(t));
    }
    return closed;
  };
  return {
    id,
    mode: "in-process",
    port: actual,
    url: `http://127.0.0.1:${actual}`,
    pid: undefined,
    get stopped() {
      return stopped;
    },
    sessions,
    crash: () => close(true),
    stop: () => close(false),
  };
}

/**
 * The JavaScript a child-process backend runs (`node -e`): the same endpoints
 * as {@link createCartHandler}, self-contained CommonJS. It reads its id from
 * `CART_SERVER_ID`, listens on `CART_PORT` (0 = ephemeral) on 127.0.0.1,
 * prints `LISTENING <port>` once ready, and exits when its stdin closes, so a
 * parent that dies without cleaning up does not leave it running.
 *
 * @example
 * spawn(process.execPath, ["-e", CHILD_BACKEND_SOURCE], { env: { ...process.env, CART_SERVER_ID: "A" } });
 * // stdout: "LISTENING 41234"; usually through spawnBackend({ id: "A" })
 */
export const CHILD_BACKEND_SOURCE = String.raw`
"use strict";
const http = require("node:http");
const { randomBytes } = require("node:crypto");
const id = process.env.CART_SERVER_ID;
const sessions = new Map();
function cookieValue(header, name) {
  if (header === undefined) return undefined;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}
function sendJson(res, status, body, setCookie) {
  const text = JSON.stringify(body);
  const headers = { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(text) };
  if (setCookie !== undefined) headers["set-cookie"] = setCookie;
  res.writeHead(status, headers);
  res.end(text);
}
function session(req) {
  const sid = cookieValue(req.headers.cookie, "sid");
  if (sid !== undefined && sessions.has(sid)) return { sid, items: sessions.get(sid) };
  const fresh = randomBytes(12).toString("base64url");
  const items = [];
  sessions.set(fresh, items);
  return { sid: fresh, items, setCookie: "sid=" + fresh + "; Path=/; HttpOnly; SameSite=Lax" };
}
const server = http.createServer((req, res) => {
  const path = (req.url || "/").split("?")[0];
  if (req.method === "GET" && path === "/health") return sendJson(res, 200, { server: id, ok: true });
  if (req.method === "GET" && path === "/echo/headers") return sendJson(res, 200, { server: id, headers: req.headers });
  if (req.method === "GET" && path === "/cart") {
    const s = session(req);
    return sendJson(res, 200, { server: id, sid: s.sid, items: s.items }, s.setCookie);
  }
  if (req.method === "POST" && path === "/cart/items") {
    const chunks = [];
    let size = 0;
    let tooBig = false;
    req.on("data", (c) => { size += c.length; if (size > ${MAX_BODY_BYTES}) tooBig = true; else chunks.push(c); });
    req.on("end", () => {
      if (tooBig) return sendJson(res, 413, { server: id, error: "body too large" });
      let item;
      try { const v = JSON.parse(Buffer.concat(chunks).toString("utf8")); item = v == null ? undefined : v.item; } catch { item = undefined; }
      if (typeof item !== "string" || item.length === 0 || item.length > ${MAX_ITEM_LENGTH}) {
        return sendJson(res, 400, { server: id, error: 'expected JSON {"item": "<1..200 chars>"}' });
      }
      const s = session(req);
      s.items.push(item);
      sendJson(res, 200, { server: id, sid: s.sid, items: s.items }, s.setCookie);
    });
    req.on("error", () => res.destroy());
    return;
  }
  sendJson(res, 404, { server: id, error: "not found" });
});
server.listen(Number(process.env.CART_PORT || 0), "127.0.0.1", () => {
  process.stdout.write("LISTENING " + server.address().port + "\n");
});
process.stdin.on("end", () => process.exit(0));
process.stdin.on("error", () => process.exit(0));
process.stdin.resume();
process.on("SIGTERM", () => { server.close(); server.closeAllConnections(); process.exit(0); });
`;

/**
 * Starts a cart backend as a child `node` process (its own PID) on 127.0.0.1.
 * Killing that PID with SIGKILL is a real crash: the OS closes its sockets
 * and its carts vanish with its memory.
 *
 * @param options - `{ id, port? }`, see {@link BackendOptions}
 * @param startTimeoutMs - how long to wait for the child to listen (default 10000)
 * @returns a handle with `pid`; `crash()` sends SIGKILL, `stop()` SIGTERM
 *   (SIGKILL after 2 s); both resolve once the process has exited
 * @throws {StickyError} ERR_STICKY_INPUT for a bad id, port or timeout; the
 *   promise rejects with an Error if the child exits or times out before listening
 * @example
 * const b = await spawnBackend({ id: "B" });
 * process.kill(b.pid!, "SIGKILL"); // or: await b.crash()
 */
export async function spawnBackend(options: BackendOptions, startTimeoutMs = 10_000): Promise<BackendHandle & { readonly exited: Promise<void> }> {
  const { id, port } = checkBackendOptions(options, "spawnBackend");
  if (!Number.isSafeInteger(startTimeoutMs) || startTimeoutMs < 1) {
    throw new StickyError("ERR_STICKY_INPUT", "spawnBackend: startTimeoutMs must be a positive integer");
  }
  const child: ChildProcess = spawn(process.execPath, ["-e", CHILD_BACKEND_SOURCE], {
    env: { ...process.env, CART_SERVER_ID: id, CART_PORT: String(port) },
    stdio: ["pipe", "pipe", "pipe"],
  });
  let hasExited = false;
  const exited = new Promise<void>((resolve) => {
    child.once("exit", () => {
      hasExited = true;
      resolve();
    });
    // A spawn failure emits 'error' and maybe no 'exit'.
    child.once("error", () => {
      hasExited = true;
      resolve();
    });
  });
  let stderr = "";
  child.stderr?.on("data", (c: Buffer) => {
    if (stderr.length < 4000) stderr += c.toString("utf8");
  });
  // The parent keeps the child's stdin open; if the parent dies, it closes
  // and the child exits on its own.
  child.stdin?.on("error", () => undefined);
  const listenPort = await new Promise<number>((resolve, reject) => {
    let out = "";
    const fail = (why: string) => {
      clearTimeout(timer);
      if (!hasExited) child.kill("SIGKILL");
      reject(new Error(`spawnBackend(${id}): ${why}${stderr ? `: ${stderr.trim()}` : ""}`));
    };
    const timer = setTimeout(() => fail(`not listening after ${startTimeoutMs} ms`), startTimeoutMs);
    child.stdout?.on("data", (c: Buffer) => {
      out += c.toString("utf8");
      const m = /LISTENING (\d+)\n/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    void exited.then(() => fail("exited before listening"));
  });
  let stopped = false;
  const end = async (signal: NodeJS.Signals): Promise<void> => {
    stopped = true;
    if (!hasExited) {
      child.kill(signal);
      if (signal !== "SIGKILL") {
        const t = setTimeout(() => {
          if (!hasExited) child.kill("SIGKILL");
        }, 2000);
        await exited;
        clearTimeout(t);
      }
    }
    await exited;
    child.stdin?.destroy();
  };
  void exited.then(() => {
    stopped = true;
  });
  return {
    id,
    mode: "child-process",
    port: listenPort,
    url: `http://127.0.0.1:${listenPort}`,
    pid: child.pid,
    get stopped() {
      return stopped;
    },
    exited,
    crash: () => end("SIGKILL"),
    stop: () => end("SIGTERM"),
  };
}
