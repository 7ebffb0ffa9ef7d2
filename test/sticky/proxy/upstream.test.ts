// The proxy's backend side (its own HTTP/1.1 client over pooled connections),
// driven by a scripted raw-TCP backend: framing, interim responses, reuse, errors.
import * as http from "node:http";
import * as net from "node:net";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type StickyProxy, startStickyProxy } from "../../../lib/sticky/proxy/index.js";

type Script = (head: string) => { parts: Array<string | Buffer>; close?: boolean } | "hang";
const scripts = new Map<string, Script>();
let backend: net.Server;
let proxy: StickyProxy;
let slowProxy: StickyProxy;
let connections = 0;
const sockets = new Set<net.Socket>();

const tick = (): Promise<void> => new Promise((r) => setTimeout(r, 1));

beforeAll(async () => {
  backend = net.createServer((sock) => {
    connections++;
    sockets.add(sock);
    sock.on("close", () => sockets.delete(sock));
    sock.on("error", () => undefined);
    let buf = "";
    let busy = Promise.resolve();
    sock.on("data", (d) => {
      buf += d.toString("latin1");
      for (;;) {
        const end = buf.indexOf("\r\n\r\n");
        if (end < 0) return;
        const head = buf.slice(0, end);
        const len = Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1] ?? 0);
        if (buf.length < end + 4 + len) return;
        buf = buf.slice(end + 4 + len);
        const path = head.split(" ")[1];
        const script = scripts.get(path.split("?")[0]);
        busy = busy.then(async () => {
          const plan = script ? script(head) : { parts: ["HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"] };
          if (plan === "hang") return;
          for (const p of plan.parts) {
            if (sock.destroyed) return;
            sock.write(p);
            if (plan.parts.length > 1) await tick(); // separate TCP segments
          }
          if (plan.close) sock.end();
        });
      }
    });
  });
  await new Promise<void>((r) => backend.listen(0, "127.0.0.1", () => r()));
  const port = (backend.address() as net.AddressInfo).port;
  proxy = await startStickyProxy({ backends: [{ id: "R", port }], healthCheck: false, key: Buffer.alloc(32, 3) });
  slowProxy = await startStickyProxy({ backends: [{ id: "R", port }], healthCheck: false, key: Buffer.alloc(32, 3), timeoutMs: 200 });
});
afterAll(async () => {
  await proxy.stop();
  await slowProxy.stop();
  for (const s of sockets) s.destroy();
  await new Promise((r) => backend.close(r));
});

function call(url: string, path: string, method = "GET", slowReader = false): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const req = http.request({ host: u.hostname, port: u.port, method, path, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      if (slowReader) {
        res.pause();
        setTimeout(() => res.resume(), 150);
      }
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end();
  });
}

/** Cuts a string into pieces of the given sizes (cycling), at least 1 byte each. */
function cut(s: string | Buffer, sizes: number[]): Buffer[] {
  const b = Buffer.isBuffer(s) ? s : Buffer.from(s, "latin1");
  const out: Buffer[] = [];
  for (let i = 0, k = 0; i < b.length; k++) {
    const n = Math.max(1, sizes[k % sizes.length]);
    out.push(b.subarray(i, i + n));
    i += n;
  }
  return out;
}

describe("proxy upstream client: response framing", () => {
  it("chunked body (extensions, trailer), sent byte by byte: forwarded exactly, no Content-Length", async () => {
    const wire = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Type: text/plain\r\n\r\n5;ext=1\r\nhello\r\n1\r\n \r\n5\r\nworld\r\n0\r\nX-Trailer: t\r\n\r\n";
    scripts.set("/chunked", () => ({ parts: cut(wire, [1]) }));
    const r = await call(proxy.url, "/chunked");
    expect(r.status).toBe(200);
    expect(r.body.toString()).toBe("hello world");
    expect(r.headers["content-length"]).toBeUndefined();
    expect(r.headers["content-type"]).toBe("text/plain");
  });

  it("property: any body, any chunking, any TCP fragmentation arrives intact, and the connection is reused", async () => {
    const before = connections;
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 3000 }),
        fc.array(fc.integer({ min: 1, max: 700 }), { minLength: 1, maxLength: 6 }),
        fc.array(fc.integer({ min: 1, max: 900 }), { minLength: 1, maxLength: 6 }),
        fc.boolean(),
        async (bytes, chunkSizes, fragSizes, chunked) => {
          const body = Buffer.from(bytes);
          let wire: Buffer;
          if (chunked) {
            const parts: Buffer[] = [Buffer.from("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", "latin1")];
            for (const c of cut(body, chunkSizes)) parts.push(Buffer.from(`${c.length.toString(16)}\r\n`, "latin1"), c, Buffer.from("\r\n", "latin1"));
            parts.push(Buffer.from("0\r\n\r\n", "latin1"));
            wire = Buffer.concat(parts);
          } else {
            wire = Buffer.concat([Buffer.from(`HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\n\r\n`, "latin1"), body]);
          }
          scripts.set("/prop", () => ({ parts: cut(wire, fragSizes) }));
          const r = await call(proxy.url, "/prop");
          expect(r.status).toBe(200);
          expect(r.body.equals(body)).toBe(true);
        },
      ),
      { numRuns: 40 },
    );
    // Sequential requests share one pooled keep-alive connection.
    expect(connections - before).toBeLessThanOrEqual(1);
  });

  it("HEAD, 204 and 304 have no body even with a Content-Length; Content-Length 0 too", async () => {
    scripts.set("/head", () => ({ parts: ["HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n"] }));
    scripts.set("/204", () => ({ parts: ["HTTP/1.1 204 No Content\r\n\r\n"] }));
    scripts.set("/304", () => ({ parts: ["HTTP/1.1 304 Not Modified\r\nContent-Length: 10\r\nETag: \"x\"\r\n\r\n"] }));
    scripts.set("/empty", () => ({ parts: ["HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"] }));
    const h = await call(proxy.url, "/head", "HEAD");
    expect(h.status).toBe(200);
    expect(h.headers["content-length"]).toBe("10");
    expect(h.body.length).toBe(0);
    expect((await call(proxy.url, "/204")).status).toBe(204);
    const nm = await call(proxy.url, "/304");
    expect(nm.status).toBe(304);
    expect(nm.headers.etag).toBe('"x"');
    expect((await call(proxy.url, "/empty")).body.length).toBe(0);
    // The pooled connection is still in step: the next answer is the right one.
    scripts.set("/after", () => ({ parts: ["HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nafter"] }));
    expect((await call(proxy.url, "/after")).body.toString()).toBe("after");
  });

  it("skips interim 1xx responses", async () => {
    scripts.set("/interim", () => ({ parts: ["HTTP/1.1 100 Continue\r\n\r\n", "HTTP/1.1 103 Early Hints\r\nLink: </a.css>\r\n\r\n", "HTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok"] }));
    const r = await call(proxy.url, "/interim");
    expect(r.status).toBe(201);
    expect(r.body.toString()).toBe("ok");
  });

  it("a body read until close (no length) is forwarded whole, and that connection is not reused", async () => {
    scripts.set("/until-close", () => ({ parts: ["HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n", "part one, ", "part two"], close: true }));
    const r = await call(proxy.url, "/until-close");
    expect(r.body.toString()).toBe("part one, part two");
    scripts.set("/ok", () => ({ parts: ["HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"] }));
    const before = connections;
    expect((await call(proxy.url, "/ok")).body.toString()).toBe("ok");
    expect(connections).toBe(before + 1);
  });

  it("Transfer-Encoding wins over Content-Length, which is not forwarded", async () => {
    scripts.set("/both", () => ({ parts: ["HTTP/1.1 200 OK\r\nContent-Length: 99\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n"] }));
    const r = await call(proxy.url, "/both");
    expect(r.body.toString()).toBe("abc");
    expect(r.headers["content-length"]).toBeUndefined();
  });

  it("a large body under back-pressure (slow client) arrives intact", async () => {
    const big = Buffer.alloc(3 * 1024 * 1024);
    for (let i = 0; i < big.length; i++) big[i] = (i * 31) & 255;
    scripts.set("/big", () => ({ parts: [Buffer.concat([Buffer.from(`HTTP/1.1 200 OK\r\nContent-Length: ${big.length}\r\n\r\n`, "latin1"), big])] }));
    const r = await call(proxy.url, "/big", "GET", true);
    expect(r.body.equals(big)).toBe(true);
  });
});

describe("proxy upstream client: failures", () => {
  it("a malformed response head is 502", async () => {
    scripts.set("/garbage", () => ({ parts: ["NOT HTTP AT ALL\r\n\r\n"] }));
    expect((await call(proxy.url, "/garbage")).status).toBe(502);
    scripts.set("/bad-length", () => ({ parts: ["HTTP/1.1 200 OK\r\nContent-Length: 12x\r\n\r\n"] }));
    expect((await call(proxy.url, "/bad-length")).status).toBe(502);
  });

  it("a backend that never answers is 504 after timeoutMs", async () => {
    scripts.set("/hang", () => "hang");
    const t0 = performance.now();
    const r = await call(slowProxy.url, "/hang");
    console.log(`[measured] upstream timeout 200 ms -> 504 after ${(performance.now() - t0).toFixed(0)} ms`);
    expect(r.status).toBe(504);
  });

  it("a body cut short after the head: the client's response is cut too (never a silent short 200)", async () => {
    scripts.set("/short", () => ({ parts: ["HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n", "only this"], close: true }));
    const outcome = await call(proxy.url, "/short").then(
      (r) => (r.body.length === 100 ? "complete" : "short"),
      () => "error",
    );
    expect(outcome).toBe("error");
  });

  it("an idle pooled connection the backend closed is replaced transparently", async () => {
    scripts.set("/then-close", () => ({ parts: ["HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n1"] }));
    expect((await call(proxy.url, "/then-close")).status).toBe(200);
    for (const s of sockets) s.end(); // the backend closes every idle keep-alive connection
    await new Promise((r) => setTimeout(r, 20));
    scripts.set("/next", () => ({ parts: ["HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nnext"] }));
    const r = await call(proxy.url, "/next");
    expect(r.status).toBe(200);
    expect(r.body.toString()).toBe("next");
    expect(proxy.status()[0].up).toBe(true); // not mistaken for a dead server
  });
});
