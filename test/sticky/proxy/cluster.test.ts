import fc from "fast-check";
import { afterEach, describe, expect, it } from "vitest";
import { StickyError } from "../../../lib/sticky/errors.js";
import { type Cluster, applySetCookie, createClient, startCluster } from "../../../lib/sticky/proxy/index.js";

let clusters: Cluster[] = [];
afterEach(async () => {
  await Promise.all(clusters.map((c) => c.stop()));
  clusters = [];
});

describe("cluster of child-process backends", () => {
  it("SIGKILL of a backend by PID behaves like a crash: redispatched 200, new cookie, empty cart", async () => {
    const c = await startCluster({ mode: "child-process", proxy: { redispatch: true, healthCheck: { intervalMs: 200 } } });
    clusters.push(c);
    const pids = [...c.backends.values()].map((b) => b.pid);
    expect(new Set(pids).size).toBe(3);
    expect(pids.every((p) => typeof p === "number" && p !== process.pid)).toBe(true);
    const alice = createClient(c.url);
    await alice.get("/cart");
    await alice.post("/cart/items", { item: "iPhone" });
    expect((await alice.post("/cart/items", { item: "iPad" })).json).toMatchObject({ server: "A", items: ["iPhone", "iPad"] });
    const old = alice.cookie("SRV");

    const a = c.backend("A") as ReturnType<Cluster["backend"]> & { exited: Promise<void> };
    const t0 = performance.now();
    process.kill(a.pid!, "SIGKILL");
    await a.exited; // the OS has closed its sockets
    const t1 = performance.now();
    const r = await alice.get("/cart");
    const t2 = performance.now();
    console.log(
      `[measured] SIGKILL of child A -> first redispatched 200: ${(t2 - t0).toFixed(1)} ms ` +
        `(${(t1 - t0).toFixed(1)} ms until the exit was seen, ${(t2 - t1).toFixed(1)} ms the request itself)`,
    );
    expect(r.status).toBe(200);
    expect(r.json.server).toBe("B");
    expect(r.json.items).toEqual([]);
    expect(alice.cookie("SRV")).not.toBe(old);
    expect(alice.cookie("SRV")!.startsWith("B.")).toBe(true);
  });

  it("SIGKILL without redispatch gives 503", async () => {
    const c = await startCluster({ mode: "child-process", ids: ["A", "B"], proxy: { redispatch: false, healthCheck: false } });
    clusters.push(c);
    const alice = createClient(c.url);
    await alice.get("/cart");
    await c.crash("A"); // SIGKILL, then waits for the exit
    expect((await alice.get("/cart")).status).toBe(503);
  });

  it("stop() ends every child process", async () => {
    const c = await startCluster({ mode: "child-process", ids: ["A", "B"] });
    clusters.push(c);
    const pids = [...c.backends.values()].map((b) => b.pid!);
    await c.stop();
    for (const pid of pids) expect(() => process.kill(pid, 0)).toThrow();
    expect(() => c.backend("Z")).toThrow(StickyError);
  });
});

describe("client cookie jar", () => {
  it("stores, replaces and deletes cookies as Set-Cookie says", () => {
    const jar = new Map<string, string>();
    applySetCookie(jar, "SRV=A.1.x; Path=/; HttpOnly; SameSite=Lax");
    applySetCookie(jar, "sid=abc123; Path=/");
    expect(Object.fromEntries(jar)).toEqual({ SRV: "A.1.x", sid: "abc123" });
    applySetCookie(jar, "SRV=B.2.y");
    expect(jar.get("SRV")).toBe("B.2.y");
    applySetCookie(jar, "SRV=; Max-Age=0");
    expect(jar.has("SRV")).toBe(false);
    applySetCookie(jar, "sid=gone; Expires=Thu, 01 Jan 1970 00:00:00 GMT", 1000);
    expect(jar.has("sid")).toBe(false);
    applySetCookie(jar, "sec=1; Secure");
    applySetCookie(jar, "bad name=1");
    applySetCookie(jar, "=nameless");
    expect(jar.size).toBe(0);
  });

  it("property: the last non-expiring Set-Cookie for a name wins", () => {
    const name = fc.constantFrom("SRV", "sid", "x");
    const value = fc.stringMatching(/^[A-Za-z0-9._-]{0,20}$/);
    fc.assert(
      fc.property(fc.array(fc.tuple(name, value), { minLength: 1, maxLength: 20 }), (sets) => {
        const jar = new Map<string, string>();
        const expected = new Map<string, string>();
        for (const [n, v] of sets) {
          applySetCookie(jar, `${n}=${v}; Path=/; HttpOnly`);
          expected.set(n, v);
        }
        expect(jar).toEqual(expected);
      }),
    );
  });

  it("rejects bad URLs and cookies", async () => {
    expect(() => createClient("not a url")).toThrow(StickyError);
    expect(() => createClient("https://127.0.0.1:1")).toThrow(StickyError);
    expect(() => createClient("http://127.0.0.1:1", { timeoutMs: 0 })).toThrow(StickyError);
    const cl = createClient("http://127.0.0.1:1");
    expect(() => cl.setCookie("a b", "1")).toThrow(StickyError);
    expect(() => cl.setCookie("a", "x;y")).toThrow(StickyError);
    await expect(cl.get("nope")).rejects.toThrow(StickyError);
  });
});
