import * as http from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { issueAffinityCookie } from "../../../lib/sticky/cookie.js";
import { StickyError } from "../../../lib/sticky/errors.js";
import {
  type Cluster,
  type ClusterOptions,
  type ProxyEvent,
  createClient,
  startBackend,
  startCluster,
  startStickyProxy,
} from "../../../lib/sticky/proxy/index.js";

const KEY = Buffer.alloc(32, 7);
let clusters: Cluster[] = [];

async function cluster(options: ClusterOptions = {}): Promise<Cluster> {
  const c = await startCluster({ ...options, proxy: { key: KEY, ...(options.proxy ?? {}) } });
  clusters.push(c);
  return c;
}

afterEach(async () => {
  await Promise.all(clusters.map((c) => c.stop()));
  clusters = [];
});

describe("sticky proxy: the seed's cart", () => {
  it("GET /cart, POST iPhone, POST iPad, GET /cart: [iPhone, iPad] on server A", async () => {
    const c = await cluster();
    const alice = createClient(c.url);
    const first = await alice.get("/cart");
    expect(first.status).toBe(200);
    expect(first.json).toMatchObject({ server: "A", items: [] });
    expect(alice.cookie("SRV")).toMatch(/^A\.\d+\.[A-Za-z0-9_-]{43}$/);
    expect((await alice.post("/cart/items", { item: "iPhone" })).json.server).toBe("A");
    expect((await alice.post("/cart/items", { item: "iPad" })).json.server).toBe("A");
    const last = await alice.get("/cart");
    expect(last.json).toEqual({ server: "A", sid: first.json.sid, items: ["iPhone", "iPad"] });
    // Only the first response set the affinity cookie.
    expect(last.setCookies.some((l) => l.startsWith("SRV="))).toBe(false);
  });

  it("sets SRV with HttpOnly and SameSite=Lax, Cache-Control private, and Secure on request", async () => {
    const c = await cluster();
    const r = await createClient(c.url).get("/cart");
    const srv = r.setCookies.find((l) => l.startsWith("SRV="))!;
    expect(srv).toMatch(/; HttpOnly/);
    expect(srv).toMatch(/; SameSite=Lax/);
    expect(srv).not.toMatch(/Secure/);
    expect(r.headers["cache-control"]).toBe("private");
    // The backend's own sid cookie passes through beside ours.
    expect(r.setCookies.some((l) => l.startsWith("sid="))).toBe(true);

    const s = await cluster({ proxy: { secure: true } });
    const client = createClient(s.url);
    const r2 = await client.get("/cart");
    expect(r2.setCookies.find((l) => l.startsWith("SRV="))).toMatch(/; Secure$/);
    // A browser keeps no Secure cookie from http://, and neither does our jar.
    expect(client.cookie("SRV")).toBeUndefined();
  });

  it("keeps 6 clients each on one server, round robin A B C A B C for the first requests", async () => {
    const c = await cluster();
    const clients = Array.from({ length: 6 }, () => createClient(c.url));
    const home: string[] = [];
    for (const cl of clients) home.push((await cl.get("/cart")).json.server);
    expect(home).toEqual(["A", "B", "C", "A", "B", "C"]);
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < clients.length; i++) {
        const r = await clients[i].post("/cart/items", { item: `item-${round}` });
        expect(r.json.server).toBe(home[i]);
      }
    }
    for (let i = 0; i < clients.length; i++) {
      expect((await clients[i].get("/cart")).json.items).toEqual(["item-0", "item-1", "item-2"]);
    }
  });

  it("strips SRV before forwarding: the backend never sees it, other cookies pass", async () => {
    const c = await cluster();
    const cl = createClient(c.url);
    await cl.get("/cart");
    cl.setCookie("theme", "dark");
    expect(cl.cookie("SRV")).toBeDefined();
    for (let i = 0; i < 3; i++) {
      const r = await cl.get("/echo/headers");
      expect(r.json.server).toBe("A");
      const cookie: string = r.json.headers.cookie ?? "";
      expect(cookie).not.toMatch(/SRV=/);
      expect(cookie).toMatch(/theme=dark/);
      expect(cookie).toMatch(/sid=/);
    }
  });
});

describe("sticky proxy: crash", () => {
  it("with redispatch: the next request is 200 from another server, new cookie, empty cart", async () => {
    const events: ProxyEvent[] = [];
    const c = await cluster({ proxy: { redispatch: true, onEvent: (e) => events.push(e) } });
    const alice = createClient(c.url);
    await alice.get("/cart");
    await alice.post("/cart/items", { item: "iPhone" });
    await alice.post("/cart/items", { item: "iPad" });
    const oldCookie = alice.cookie("SRV");
    expect(oldCookie?.startsWith("A.")).toBe(true);

    const t0 = performance.now();
    await c.crash("A");
    const r = await alice.get("/cart");
    const ms = performance.now() - t0;
    console.log(`[measured] in-process crash of A -> first redispatched 200: ${ms.toFixed(1)} ms`);
    expect(r.status).toBe(200);
    expect(r.json.server).not.toBe("A");
    expect(r.json.items).toEqual([]); // the cart died with A
    expect(alice.cookie("SRV")).not.toBe(oldCookie);
    expect(alice.cookie("SRV")!.startsWith(`${r.json.server}.`)).toBe(true);
    expect(events).toContainEqual({ type: "redispatch", from: "A", to: r.json.server, code: "ECONNREFUSED" });
    expect(c.proxy.status().find((s) => s.id === "A")!.up).toBe(false);
    // She stays on her new server.
    for (let i = 0; i < 3; i++) expect((await alice.get("/cart")).json.server).toBe(r.json.server);
  });

  it("no user is stuck: every client of a crashed server gets 200 on its next request", async () => {
    const c = await cluster({ proxy: { redispatch: true } });
    const clients = Array.from({ length: 9 }, () => createClient(c.url));
    for (const cl of clients) await cl.get("/cart");
    await c.crash("B");
    for (const cl of clients) {
      const r = await cl.get("/cart");
      expect(r.status).toBe(200);
      expect(r.json.server).not.toBe("B");
    }
  });

  it("without redispatch: 503 until health checks mark the server down, then 200 elsewhere", async () => {
    const c = await cluster({ proxy: { redispatch: false, healthCheck: { intervalMs: 50, fall: 2, rise: 2 } } });
    const alice = createClient(c.url);
    await alice.get("/cart");
    await c.crash("A");
    const r = await alice.get("/cart");
    expect(r.status).toBe(503);
    expect(r.headers["cache-control"]).toBe("no-store");
    expect(await c.proxy.waitFor("A", false, 5000)).toBe(true);
    const later = await alice.get("/cart");
    expect(later.status).toBe(200);
    expect(later.json.server).toBe("B");
    expect(alice.cookie("SRV")!.startsWith("B.")).toBe(true);
  });

  it("without redispatch and without checks: 503 every time", async () => {
    const c = await cluster({ proxy: { redispatch: false, healthCheck: false } });
    const alice = createClient(c.url);
    await alice.get("/cart");
    await c.crash("A");
    for (let i = 0; i < 3; i++) expect((await alice.get("/cart")).status).toBe(503);
    expect(c.proxy.stats().unavailable).toBe(3);
  });

  it("a restarted server is marked up again after `rise` good checks", async () => {
    const b = await startBackend({ id: "B" });
    let a = await startBackend({ id: "A" });
    const port = a.port;
    const proxy = await startStickyProxy({ backends: [{ id: "A", port }, { id: "B", port: b.port }], healthCheck: { intervalMs: 30, fall: 1, rise: 2 } });
    try {
      await a.crash();
      expect(await proxy.waitFor("A", false, 5000)).toBe(true);
      a = await startBackend({ id: "A", port });
      expect(await proxy.waitFor("A", true, 5000)).toBe(true);
    } finally {
      await proxy.stop();
      await Promise.all([a.stop(), b.stop()]);
    }
  });

  it("every server down: 503", async () => {
    const c = await cluster({ ids: ["A"], proxy: { redispatch: true } });
    await c.crash("A");
    const r = await createClient(c.url).get("/cart");
    expect(r.status).toBe(503);
  });
});

describe("sticky proxy: forged and expired cookies", () => {
  it("a forged or tampered signed cookie steers no one and is re-issued", async () => {
    const c = await cluster();
    const forgers = ["C", "C.99999999999.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "garbage!", ""];
    // Signed with another key: valid shape, wrong MAC.
    forgers.push(issueAffinityCookie("C", { key: Buffer.alloc(32, 9), now: Date.now() / 1000, ttlSeconds: 3600 }));
    // A genuine cookie for B with its server id edited to C.
    const genuine = issueAffinityCookie("B", { key: KEY, now: Date.now() / 1000, ttlSeconds: 3600 });
    forgers.push(`C${genuine.slice(1)}`);
    const landed: string[] = [];
    for (const f of forgers) {
      const cl = createClient(c.url);
      cl.setCookie("SRV", f);
      const r = await cl.get("/cart");
      expect(r.status).toBe(200);
      landed.push(r.json.server);
      expect(cl.cookie("SRV")).not.toBe(f);
      expect(cl.cookie("SRV")!.startsWith(`${r.json.server}.`)).toBe(true);
    }
    // Round robin decides, not the forger: A B C A B C.
    expect(landed).toEqual(["A", "B", "C", "A", "B", "C"]);
  });

  it("an expired cookie counts as absent", async () => {
    const c = await cluster();
    const cl = createClient(c.url);
    cl.setCookie("SRV", issueAffinityCookie("C", { key: KEY, now: 1000, ttlSeconds: 60 }));
    const r = await cl.get("/cart");
    expect(r.json.server).toBe("A");
    expect(cl.cookie("SRV")!.startsWith("A.")).toBe(true);
    // A valid, unexpired cookie for C does steer (it is what C's users hold).
    const ok = createClient(c.url);
    ok.setCookie("SRV", issueAffinityCookie("C", { key: KEY, now: Date.now() / 1000, ttlSeconds: 60 }));
    expect((await ok.get("/cart")).json.server).toBe("C");
  });

  it("the proxy's clock decides expiry", async () => {
    let now = 5000;
    const c = await cluster({ proxy: { ttlSeconds: 10, clock: () => now } });
    const cl = createClient(c.url);
    await cl.get("/cart"); // A, expires at 5010
    expect((await cl.get("/cart")).json.server).toBe("A");
    now = 5010;
    const r = await cl.get("/cart");
    expect(r.json.server).toBe("B"); // expired: balanced again
    expect(r.setCookies.some((l) => l.startsWith("SRV=B."))).toBe(true);
  });

  it("unsigned mode (SERVERID=A, like HAProxy): a forged cookie steers", async () => {
    const c = await cluster({ proxy: { cookieMode: "unsigned" } });
    const honest = createClient(c.url);
    await honest.get("/cart");
    expect(honest.cookie("SERVERID")).toBe("A");
    const forger = createClient(c.url);
    forger.setCookie("SERVERID", "C");
    const r = await forger.get("/cart");
    expect(r.json.server).toBe("C");
    expect(r.setCookies.some((l) => l.startsWith("SERVERID="))).toBe(false); // accepted as is
    // An unknown id is rebalanced and re-issued.
    const odd = createClient(c.url);
    odd.setCookie("SERVERID", "ZZZ");
    expect((await odd.get("/cart")).json.server).toBe("B");
    expect(odd.cookie("SERVERID")).toBe("B");
  });
});

describe("sticky proxy: drain and maint", () => {
  it("a drained server gets no new users but keeps its sticky ones", async () => {
    const c = await cluster();
    const b = createClient(c.url);
    expect(c.proxy.status().map((s) => s.admin)).toEqual(["ready", "ready", "ready"]);
    await createClient(c.url).get("/cart"); // A
    await b.get("/cart"); // B
    await b.post("/cart/items", { item: "iPad" });
    c.drain("B");
    const fresh: string[] = [];
    for (let i = 0; i < 6; i++) fresh.push((await createClient(c.url).get("/cart")).json.server);
    expect(fresh).not.toContain("B");
    expect(new Set(fresh)).toEqual(new Set(["A", "C"]));
    const r = await b.get("/cart");
    expect(r.json).toMatchObject({ server: "B", items: ["iPad"] });
    expect(r.setCookies.some((l) => l.startsWith("SRV="))).toBe(false);
  });

  it("maint sends even sticky users elsewhere; ready restores B for new users", async () => {
    const c = await cluster();
    await createClient(c.url).get("/cart");
    const b = createClient(c.url);
    await b.get("/cart");
    c.proxy.setState("B", "maint");
    const r = await b.get("/cart");
    expect(r.json.server).not.toBe("B");
    expect(r.setCookies.some((l) => l.startsWith("SRV="))).toBe(true);
    c.proxy.setState("B", "ready");
    const seen = new Set<string>();
    for (let i = 0; i < 3; i++) seen.add((await createClient(c.url).get("/cart")).json.server);
    expect(seen.has("B")).toBe(true);
  });
});

describe("sticky proxy: other balancers and input checks", () => {
  it("least-connections and ring route unbound users and keep them sticky", async () => {
    for (const kind of ["least-connections", "ring"] as const) {
      const c = await cluster({ proxy: { balancer: kind } });
      const cl = createClient(c.url);
      const s = (await cl.get("/cart")).json.server;
      for (let i = 0; i < 3; i++) expect((await cl.get("/cart")).json.server).toBe(s);
    }
  });

  it("rejects bad options with StickyError", async () => {
    const bad: Array<[unknown, string]> = [
      [{ backends: [] }, "ERR_STICKY_INPUT"],
      [{ backends: [{ id: "a b", port: 1 }] }, "ERR_STICKY_INPUT"],
      [{ backends: [{ id: "A", port: 1 }, { id: "A", port: 2 }] }, "ERR_STICKY_INPUT"],
      [{ backends: [{ id: "A", port: 0 }] }, "ERR_STICKY_INPUT"],
      [{ backends: [{ id: "A", port: 1 }], key: Buffer.alloc(16) }, "ERR_STICKY_INPUT"],
      [{ backends: [{ id: "A", port: 1 }], ttlSeconds: 0 }, "ERR_STICKY_INPUT"],
      [{ backends: [{ id: "A", port: 1 }], healthCheck: { intervalMs: -1 } }, "ERR_STICKY_INPUT"],
      [{ backends: [{ id: "A", port: 1 }], balancer: "nope" }, "ERR_STICKY_INPUT"],
      [{ backends: [{ id: "A", port: 1 }], cookieMode: "plain" }, "ERR_STICKY_INPUT"],
      [{ backends: [{ id: "A", port: 1 }], cookieName: "S R V" }, "ERR_STICKY_COOKIE"],
    ];
    for (const [opts, code] of bad) {
      const err = await startStickyProxy(opts as never).then(
        (p) => p.stop().then(() => undefined),
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(StickyError);
      expect((err as StickyError).code).toBe(code);
    }
    const c = await cluster();
    expect(() => c.drain("Z")).toThrow(StickyError);
    expect(() => c.proxy.setState("A", "off" as never)).toThrow(StickyError);
    await expect(startCluster({ ids: [] })).rejects.toThrow(StickyError);
    await expect(startCluster({ ids: ["A", "A"] })).rejects.toThrow(StickyError);
  });

  it("answers 413 to a body over maxBodyBytes", async () => {
    const c = await cluster({ proxy: { maxBodyBytes: 100 } });
    const r = await createClient(c.url).post("/cart/items", { item: "x".repeat(200) });
    expect(r.status).toBe(413);
  });
});

describe("sticky proxy: what it forwards", () => {
  /** Sends one raw request (headers as given, repeated names allowed) and reads the answer. */
  function rawRequest(url: string, method: string, headers: string[], body?: string): Promise<{ status: number; headers: http.IncomingHttpHeaders; json: any }> {
    return new Promise((resolve, reject) => {
      const u = new URL(url);
      const req = http.request({ host: u.hostname, port: u.port, method, path: "/echo", headers, agent: false }, (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (c: string) => (text += c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, json: JSON.parse(text) }));
      });
      req.on("error", reject);
      req.end(body);
    });
  }

  it("passes end-to-end headers, joins Cookie lines minus ours, appends X-Forwarded-For, drops hop-by-hop ones", async () => {
    // A backend that echoes the raw request it got and sets its own Cache-Control.
    const seen: Array<{ raw: string[]; body: string }> = [];
    const echo = http.createServer((req, res) => {
      let body = "";
      req.setEncoding("utf8");
      req.on("data", (c: string) => (body += c));
      req.on("end", () => {
        seen.push({ raw: req.rawHeaders, body });
        res.writeHead(200, { "content-type": "application/json", "cache-control": "max-age=60", "x-backend": "E", "set-cookie": "app=1; Path=/" });
        res.end(JSON.stringify({ ok: true }));
      });
    });
    await new Promise<void>((r) => echo.listen(0, "127.0.0.1", () => r()));
    const proxy = await startStickyProxy({ backends: [{ id: "E", port: (echo.address() as { port: number }).port }], key: KEY, healthCheck: false });
    try {
      const first = await rawRequest(proxy.url, "GET", ["Host", "shop.example", "X-Forwarded-For", "203.0.113.9", "Cookie", "a=1", "Cookie", "b=2", "Keep-Alive", "timeout=99", "X-Trace", "t1"]);
      expect(first.status).toBe(200);
      const got = new Map<string, string[]>();
      const raw = seen[0].raw;
      for (let i = 0; i < raw.length; i += 2) got.set(raw[i].toLowerCase(), [...(got.get(raw[i].toLowerCase()) ?? []), raw[i + 1]]);
      expect(got.get("host")).toEqual(["shop.example"]);
      expect(got.get("x-trace")).toEqual(["t1"]);
      expect(got.get("cookie")).toEqual(["a=1; b=2"]);
      expect(got.get("x-forwarded-for")).toEqual(["203.0.113.9, 127.0.0.1"]);
      expect(got.has("keep-alive")).toBe(false);
      expect(got.has("content-length")).toBe(false); // a bodyless GET stays bodyless
      // The issuing response: the backend's headers, its Set-Cookie then ours, Cache-Control extended.
      expect(first.headers["x-backend"]).toBe("E");
      expect(first.headers["set-cookie"]![0]).toBe("app=1; Path=/");
      expect(first.headers["set-cookie"]![1]).toMatch(/^SRV=E\./);
      expect(first.headers["cache-control"]).toBe('max-age=60, no-cache="Set-Cookie"');
      const srv = /^SRV=([^;]+)/.exec(first.headers["set-cookie"]![1])![1];

      // Sticky and with a body: the SRV cookie is removed, the body arrives with its length.
      const second = await rawRequest(proxy.url, "POST", ["Host", "shop.example", "Cookie", `SRV=${srv}; c=3`, "Content-Type", "application/json"], '{"item":"iPad"}');
      expect(second.headers["set-cookie"]).toEqual(["app=1; Path=/"]);
      expect(second.headers["cache-control"]).toBe("max-age=60");
      const raw2 = seen[1].raw;
      const cookie2 = raw2[raw2.findIndex((x, i) => i % 2 === 0 && x.toLowerCase() === "cookie") + 1];
      expect(cookie2).toBe("c=3");
      expect(seen[1].body).toBe('{"item":"iPad"}');
      expect(raw2[raw2.findIndex((x, i) => i % 2 === 0 && x.toLowerCase() === "content-length") + 1]).toBe("15");
    } finally {
      await proxy.stop();
      echo.closeAllConnections();
      await new Promise((r) => echo.close(r));
    }
  });
});
