/**
 * @module sticky/proxy/upstream
 *
 * The proxy's HTTP/1.1 client to its backends: keep-alive connections per
 * backend, one write per request, and a response parser of its own.
 */
import * as net from "node:net";

// ---------------------------------------------------------------------------
// The backend side: a small HTTP/1.1 client over pooled keep-alive sockets.
//
// node:http's client (ClientRequest, Agent, IncomingMessage) costs about as
// much CPU per request as everything else the proxy does; this one writes
// the request head and body in one write and parses the response itself
// (status line, headers, then a Content-Length, chunked or read-until-close
// body, 1xx interim responses skipped). Backends are our own or any HTTP/1.1
// server; the client side stays on node:http, which parses untrusted input.
// ---------------------------------------------------------------------------

/** Largest response head accepted from a backend. */
const MAX_RESPONSE_HEAD = 64 * 1024;
/** Idle pooled connections are closed after this long (below Node's 5 s keep-alive timeout). */
const IDLE_SOCKET_MS = 4000;
/** Idle connections kept per backend. */
const MAX_IDLE_SOCKETS = 256;
const CRLF = Buffer.from("\r\n", "latin1");
const HEAD_END = Buffer.from("\r\n\r\n", "latin1");

/** An upstream failure, with the `code` the routing logic branches on. */
export function upstreamError(code: string, message: string): Error & { code: string } {
  return Object.assign(new Error(message), { code });
}

export interface ExchangeHandlers {
  /** The final (non-1xx) response head: status and raw header pairs. */
  head(status: number, raw: string[]): void;
  /** Body bytes, de-chunked; return false to pause until `resume()`. */
  data(chunk: Buffer): boolean;
  /** The body is complete. */
  end(): void;
  /** No complete response: `reused` says whether a pooled connection was used, `gotHead` whether a head arrived. */
  error(err: Error & { code?: string }, reused: boolean, gotHead: boolean): void;
}

export interface Exchange {
  resume(): void;
  /** Gives up (the client went away): the connection is closed, not pooled. */
  abort(): void;
}

/** How a response body is framed. */
const Body = { None: 0, Length: 1, Chunked: 2, UntilClose: 3 } as const;
/** Where a chunked body's parser is. */
const Chunk = { Size: 0, Data: 1, DataEnd: 2, Trailer: 3 } as const;

/** Keep-alive connections to one backend, and the exchanges over them. */
export class UpstreamPool {
  private readonly idle: net.Socket[] = [];
  private readonly active = new Set<net.Socket>();
  /** The listeners watching each idle connection, removed when it is reused. */
  private readonly watchers = new WeakMap<net.Socket, () => void>();
  private closed = false;

  constructor(
    private readonly host: string,
    private readonly port: number,
    private readonly timeoutMs: number,
  ) {}

  /** Sends one request (`head` ends with the blank line) and parses the response. */
  request(head: string, body: Buffer, isHeadRequest: boolean, h: ExchangeHandlers): Exchange {
    let sock: net.Socket | undefined;
    while (this.idle.length > 0) {
      const s = this.idle.pop()!;
      if (!s.destroyed && s.readyState === "open") {
        sock = s;
        break;
      }
    }
    const reused = sock !== undefined;
    const socket = sock ?? net.connect({ host: this.host, port: this.port, noDelay: true });
    if (reused) this.watchers.get(socket)?.();
    this.active.add(socket);

    let buf: Buffer | null = null;
    let gotHead = false;
    let done = false;
    let keepAlive = false;
    let mode: number = Body.None;
    let remaining = 0;
    let chunkState: number = Chunk.Size;
    let paused = false;
    const pool = this;

    const cleanup = (): void => {
      socket.removeListener("data", onData);
      socket.removeListener("error", onError);
      socket.removeListener("close", onClose);
      socket.removeListener("end", onEnd);
      socket.removeListener("timeout", onTimeout);
      pool.active.delete(socket);
    };
    const fail = (err: Error & { code?: string }): void => {
      if (done) return;
      done = true;
      cleanup();
      socket.destroy();
      h.error(err, reused, gotHead);
    };
    const complete = (extra: boolean): void => {
      if (done) return;
      done = true;
      cleanup();
      if (keepAlive && !extra && !pool.closed && !paused) pool.release(socket);
      else socket.destroy();
      h.end();
    };
    const deliver = (chunk: Buffer): void => {
      if (chunk.length === 0) return;
      if (!h.data(chunk) && !done) {
        paused = true;
        socket.pause();
      }
    };
    // Parses as much of `buf` as possible; returns when it needs more bytes.
    const parse = (): void => {
      while (!done && buf !== null) {
        if (!gotHead) {
          const end = buf.indexOf(HEAD_END);
          if (end < 0) {
            if (buf.length > MAX_RESPONSE_HEAD) fail(upstreamError("EBADRESPONSE", "response head too large"));
            return;
          }
          const lines = buf.toString("latin1", 0, end).split("\r\n");
          buf = end + 4 < buf.length ? buf.subarray(end + 4) : null;
          const m = /^HTTP\/1\.([01]) (\d{3})(?: .*)?$/.exec(lines[0]);
          if (m === null) return fail(upstreamError("EBADRESPONSE", "malformed status line"));
          const status = Number(m[2]);
          if (status >= 100 && status < 200) {
            if (status === 101) return fail(upstreamError("EBADRESPONSE", "protocol switch not supported"));
            continue; // an interim response (100 Continue, 103 Early Hints): the real one follows
          }
          const raw: string[] = [];
          let length = -1;
          let chunked = false;
          let te = false;
          let close = m[1] === "0";
          for (let i = 1; i < lines.length; i++) {
            const line = lines[i];
            const colon = line.indexOf(":");
            if (colon <= 0) return fail(upstreamError("EBADRESPONSE", "malformed header line"));
            const name = line.slice(0, colon);
            const value = line.slice(colon + 1).trim();
            const lower = name.toLowerCase();
            if (lower === "content-length") {
              if (!/^\d{1,15}$/.test(value) || (length >= 0 && Number(value) !== length)) {
                return fail(upstreamError("EBADRESPONSE", "bad Content-Length"));
              }
              length = Number(value);
            } else if (lower === "transfer-encoding") {
              te = true;
              chunked = /(?:^|,)\s*chunked\s*$/i.test(value);
            } else if (lower === "connection") {
              const tokens = value.toLowerCase();
              if (/(?:^|,)\s*close\s*(?:,|$)/.test(tokens)) close = true;
              else if (m[1] === "0" && /(?:^|,)\s*keep-alive\s*(?:,|$)/.test(tokens)) close = false;
            }
            raw.push(name, value);
          }
          if (isHeadRequest || status === 204 || status === 304) mode = Body.None;
          else if (te) mode = chunked ? Body.Chunked : Body.UntilClose;
          else if (length >= 0) mode = Body.Length;
          else mode = Body.UntilClose;
          remaining = length;
          keepAlive = !close && mode !== Body.UntilClose;
          if (mode === Body.Chunked && length >= 0) {
            // Transfer-Encoding wins; the length must not reach the client.
            for (let i = raw.length - 2; i >= 0; i -= 2) if (raw[i].toLowerCase() === "content-length") raw.splice(i, 2);
          }
          gotHead = true;
          socket.setTimeout(pool.timeoutMs);
          h.head(status, raw);
          if (done) return;
          if (mode === Body.None || (mode === Body.Length && remaining === 0)) return complete(buf !== null);
          continue;
        }
        const b: Buffer = buf;
        if (mode === Body.Length) {
          if (b.length <= remaining) {
            remaining -= b.length;
            buf = null;
            deliver(b);
            if (remaining === 0) complete(false);
          } else {
            deliver(b.subarray(0, remaining));
            remaining = 0;
            complete(true); // bytes after the body: do not reuse this connection
          }
          return;
        }
        if (mode === Body.UntilClose) {
          buf = null;
          deliver(b);
          return;
        }
        // Chunked.
        if (chunkState === Chunk.Size || chunkState === Chunk.Trailer) {
          const eol = b.indexOf(CRLF);
          if (eol < 0) {
            if (b.length > 4096) fail(upstreamError("EBADRESPONSE", "chunk line too long"));
            return;
          }
          const line = b.toString("latin1", 0, eol);
          buf = eol + 2 < b.length ? b.subarray(eol + 2) : null;
          if (chunkState === Chunk.Trailer) {
            if (line === "") return complete(buf !== null);
            continue; // trailer fields are dropped
          }
          const size = /^([0-9A-Fa-f]{1,8})\s*(?:;.*)?$/.exec(line);
          if (size === null) return fail(upstreamError("EBADRESPONSE", "bad chunk size"));
          remaining = parseInt(size[1], 16);
          chunkState = remaining === 0 ? Chunk.Trailer : Chunk.Data;
          continue;
        }
        if (chunkState === Chunk.Data) {
          const n = Math.min(remaining, b.length);
          remaining -= n;
          buf = n < b.length ? b.subarray(n) : null;
          if (remaining === 0) chunkState = Chunk.DataEnd;
          deliver(n < b.length ? b.subarray(0, n) : b);
          continue;
        }
        // DataEnd: the CRLF after a chunk's data.
        if (b.length < 2) return;
        if (b[0] !== 13 || b[1] !== 10) return fail(upstreamError("EBADRESPONSE", "bad chunk end"));
        buf = b.length > 2 ? b.subarray(2) : null;
        chunkState = Chunk.Size;
      }
    };
    const onData = (d: Buffer): void => {
      buf = buf === null ? d : Buffer.concat([buf, d]);
      parse();
    };
    const onError = (err: Error & { code?: string }): void => {
      fail(err.code === "EPIPE" ? upstreamError("ECONNRESET", err.message) : err);
    };
    const onEnd = (): void => {
      if (gotHead && mode === Body.UntilClose) complete(true);
      else fail(upstreamError("ECONNRESET", "backend closed the connection before the response ended"));
    };
    const onClose = (): void => onEnd();
    const onTimeout = (): void => fail(upstreamError("ETIMEDOUT", "backend timeout"));
    socket.on("data", onData);
    socket.on("error", onError);
    socket.on("end", onEnd);
    socket.on("close", onClose);
    socket.on("timeout", onTimeout);
    socket.setTimeout(this.timeoutMs);
    if (reused) socket.resume();
    if (body.length === 0) socket.write(head, "latin1");
    else socket.write(Buffer.concat([Buffer.from(head, "latin1"), body]));
    return {
      resume(): void {
        if (paused && !done) {
          paused = false;
          socket.resume();
        }
      },
      abort(): void {
        if (done) return;
        done = true;
        cleanup();
        socket.destroy();
      },
    };
  }

  /** Returns a connection to the pool, watched while idle. */
  private release(socket: net.Socket): void {
    if (this.idle.length >= MAX_IDLE_SOCKETS) {
      socket.destroy();
      return;
    }
    const drop = (): void => {
      const i = this.idle.indexOf(socket);
      if (i >= 0) this.idle.splice(i, 1);
      socket.destroy();
    };
    const ignore = (): void => undefined; // an error is followed by 'close'
    socket.setTimeout(IDLE_SOCKET_MS);
    socket.on("timeout", drop);
    socket.on("end", drop);
    socket.on("close", drop);
    socket.on("data", drop); // nothing may arrive on an idle connection
    socket.on("error", ignore);
    this.watchers.set(socket, () => {
      socket.off("timeout", drop);
      socket.off("end", drop);
      socket.off("close", drop);
      socket.off("data", drop);
      socket.off("error", ignore);
      this.watchers.delete(socket);
    });
    this.idle.push(socket);
  }

  /** Closes every connection, idle or busy. */
  destroy(): void {
    this.closed = true;
    for (const s of this.idle) s.destroy();
    this.idle.length = 0;
    for (const s of this.active) s.destroy();
    this.active.clear();
  }
}
