/**
 * @module oidc/provider/listen
 *
 * Serving a WHATWG fetch handler over node:http on 127.0.0.1, and {@link listenProvider}, which
 * listens first and then builds the provider with the issuer it now knows
 * (`http://127.0.0.1:<port>`). In-process and over HTTP the provider runs the same code.
 */
import * as http from "node:http";
import type { Socket } from "node:net";
import type { ProviderConfig } from "./config.js";
import { OidcProviderError } from "./errors.js";
import { type Provider, createProvider } from "./provider.js";

/** A fetch-style request handler. */
export type FetchHandler = (request: Request) => Promise<Response>;

/** Where to listen. */
export interface ListenOptions {
  /** TCP port on 127.0.0.1; default 0 (a free ephemeral port). */
  port?: number;
  /** Largest request body read, in bytes; default 1 MiB (larger gets 413). */
  maxBodyBytes?: number;
}

/** A running HTTP server. */
export interface FetchServer {
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  readonly port: number;
  /** Stops listening and closes every connection (idempotent). */
  close(): Promise<void>;
}

/** Node's IncomingMessage as a WHATWG Request (body read up to the limit). */
async function toRequest(req: http.IncomingMessage, base: string, maxBody: number): Promise<Request | "too-large"> {
  const headers = new Headers();
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) headers.append(req.rawHeaders[i], req.rawHeaders[i + 1]);
  const method = req.method ?? "GET";
  let body: Buffer | undefined;
  if (method !== "GET" && method !== "HEAD") {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > maxBody) return "too-large";
      chunks.push(chunk as Buffer);
    }
    body = Buffer.concat(chunks);
  }
  // The URL is built on our own origin, never on the Host header.
  return new Request(new URL(req.url ?? "/", base), body === undefined ? { method, headers } : { method, headers, body: new Uint8Array(body.buffer, body.byteOffset, body.byteLength) as unknown as RequestInit["body"] });
}

async function writeResponse(res: http.ServerResponse, response: Response): Promise<void> {
  const headers: http.OutgoingHttpHeaders = {};
  response.headers.forEach((value, name) => {
    if (name !== "set-cookie") headers[name] = value;
  });
  // getSetCookie is in Node 20's Headers but not in TypeScript 5.0's DOM types.
  const cookies = (response.headers as Headers & { getSetCookie(): string[] }).getSetCookie();
  if (cookies.length > 0) headers["set-cookie"] = cookies;
  const body = Buffer.from(await response.arrayBuffer());
  headers["content-length"] = body.length;
  res.writeHead(response.status, headers);
  res.end(body);
}

function listenOn(server: http.Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (e: Error): void => reject(new OidcProviderError("ERR_OP_LISTEN", `cannot listen on 127.0.0.1:${port}: ${e.message}`));
    server.once("error", onError);
    server.listen(port, "127.0.0.1", () => {
      server.off("error", onError);
      const addr = server.address();
      resolve(typeof addr === "object" && addr !== null ? addr.port : port);
    });
  });
}

/**
 * Serves a fetch handler over HTTP on 127.0.0.1.
 *
 * @param handler - the handler (a throw or rejection answers a bare 500)
 * @param options - see {@link ListenOptions}
 * @returns the server's URL, port and close()
 * @throws {OidcProviderError} ERR_OP_LISTEN for a bad port or an address in use
 * @example
 * const srv = await listenFetch(async () => new Response("hi"));
 * await (await fetch(srv.url)).text(); // => "hi"
 * await srv.close();
 */
export async function listenFetch(handler: FetchHandler, options: ListenOptions = {}): Promise<FetchServer> {
  const port = options.port ?? 0;
  if (!Number.isSafeInteger(port) || port < 0 || port > 65535) throw new OidcProviderError("ERR_OP_LISTEN", "port must be an integer in [0, 65535]");
  const maxBody = options.maxBodyBytes ?? 1024 * 1024;
  let base = "";
  const sockets = new Set<Socket>();
  const server = http.createServer((req, res) => {
    void (async () => {
      try {
        const request = await toRequest(req, base, maxBody);
        if (request === "too-large") {
          res.writeHead(413, { "content-type": "text/plain", connection: "close" }).end("request body too large");
          return;
        }
        await writeResponse(res, await handler(request));
      } catch {
        if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain" });
        res.end("internal error");
      }
    })();
  });
  server.on("connection", (s: Socket) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  const actual = await listenOn(server, port);
  base = `http://127.0.0.1:${actual}`;
  let closed: Promise<void> | undefined;
  return {
    url: base,
    port: actual,
    close(): Promise<void> {
      if (closed === undefined) {
        closed = new Promise<void>((resolve) => {
          server.close(() => resolve());
          for (const s of sockets) s.destroy();
        });
      }
      return closed;
    },
  };
}

/** A provider served over HTTP. */
export interface ProviderServer extends FetchServer {
  /** The provider; its issuer is {@link FetchServer.url}. */
  readonly provider: Provider;
}

/**
 * Listens on 127.0.0.1 first, then creates the provider with issuer `http://127.0.0.1:<port>`
 * and serves it. The configuration is {@link ProviderConfig} without `issuer`.
 *
 * @param config - the provider configuration, minus the issuer
 * @param options - see {@link ListenOptions}
 * @returns the provider, its URL (= issuer), port and close()
 * @throws {OidcProviderError} ERR_OP_CONFIG for a bad configuration (or one with an issuer),
 *   ERR_OP_LISTEN when the port cannot be used
 * @example
 * const srv = await listenProvider({ clients, users });
 * srv.provider.issuer === srv.url; // => true
 * await srv.close();
 */
export async function listenProvider(config: Omit<ProviderConfig, "issuer">, options: ListenOptions = {}): Promise<ProviderServer> {
  if (config !== null && typeof config === "object" && "issuer" in config && (config as { issuer?: unknown }).issuer !== undefined) {
    throw new OidcProviderError("ERR_OP_CONFIG", "listenProvider decides the issuer (http://127.0.0.1:<port>): leave issuer out");
  }
  let provider: Provider | undefined;
  // Requests that arrive before the provider exists (none should) get 503.
  const server = await listenFetch(
    (request) => (provider === undefined ? Promise.resolve(new Response("starting", { status: 503 })) : provider.fetch(request)),
    options,
  );
  try {
    provider = await createProvider({ ...config, issuer: server.url });
  } catch (e) {
    await server.close();
    throw e;
  }
  const p = provider;
  return { provider: p, url: server.url, port: server.port, close: () => server.close() };
}
