import * as http from "node:http";
import fc from "fast-check";
import { CookieJar } from "tough-cookie";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createClient } from "../../../lib/sticky/proxy/index.js";

// A tiny origin: /set/<n> answers with the Set-Cookie lines queued under n,
// every path echoes the Cookie header it received.
let server: http.Server;
let base = "";
const queued = new Map<string, string[]>();
beforeAll(async () => {
  server = http.createServer((req, res) => {
    const m = /^\/set\/(\w+)/.exec(req.url ?? "");
    const lines = m ? queued.get(m[1]) ?? [] : [];
    res.writeHead(200, { "content-type": "application/json", ...(lines.length ? { "set-cookie": lines } : {}) });
    res.end(JSON.stringify({ cookie: req.headers.cookie ?? "" }));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

const sent = async (cl: ReturnType<typeof createClient>, path = "/echo"): Promise<string> => (await cl.get(path)).json.cookie;

describe("StickyClient on tough-cookie", () => {
  it("keeps its cookies in a tough-cookie CookieJar and sends them back", async () => {
    queued.set("a", ["SRV=A.1.x; Path=/; HttpOnly; SameSite=Lax", "sid=abc123; Path=/"]);
    const cl = createClient(base);
    expect(cl.jar).toBeInstanceOf(CookieJar);
    await cl.get("/set/a");
    expect(cl.cookies()).toEqual({ SRV: "A.1.x", sid: "abc123" });
    expect(await sent(cl)).toBe("SRV=A.1.x; sid=abc123");
    expect(cl.jar.getCookiesSync(`${base}/`).map((c) => c.key).sort()).toEqual(["SRV", "sid"]);
  });

  it("a Secure cookie over http:// is neither kept nor sent back", async () => {
    queued.set("s", ["SRV=A.1.x; Path=/; HttpOnly; SameSite=Lax; Secure", "plain=1; Path=/"]);
    const cl = createClient(base);
    await cl.get("/set/s");
    expect(cl.cookie("SRV")).toBeUndefined();
    expect(await sent(cl)).toBe("plain=1");
  });

  it("honours Path, Max-Age=0 and past Expires as a browser does", async () => {
    queued.set("p", ["deep=1; Path=/cart", "top=2; Path=/"]);
    queued.set("gone", ["top=; Max-Age=0; Path=/", "deep=x; Path=/cart; Expires=Thu, 01 Jan 1970 00:00:00 GMT"]);
    const cl = createClient(base);
    await cl.get("/set/p");
    expect(await sent(cl, "/")).toBe("top=2");
    expect(await sent(cl, "/cart/items")).toBe("deep=1; top=2"); // longer path first
    expect(cl.cookies()).toEqual({ deep: "1", top: "2" });
    await cl.get("/set/gone");
    expect(cl.cookies()).toEqual({});
    expect(await sent(cl, "/cart")).toBe("");
  });

  it("setCookie forges by hand (sent on every path), deleteCookie removes every copy", async () => {
    queued.set("d", ["SRV=A.1.x; Path=/cart", "SRV=A.2.y; Path=/"]);
    const cl = createClient(base);
    cl.setCookie("SERVERID", "B");
    expect(await sent(cl, "/anything")).toBe("SERVERID=B");
    await cl.get("/set/d");
    expect(cl.cookie("SRV")).toBe("A.1.x"); // the longest path wins
    cl.deleteCookie("SRV");
    expect(cl.cookie("SRV")).toBeUndefined();
    expect(await sent(cl, "/cart")).toBe("SERVERID=B");
    cl.deleteCookie("nope"); // nothing to delete: no error
  });

  it("property: after any sequence of Set-Cookie lines, the client sends the last value per name", async () => {
    const name = fc.constantFrom("SRV", "sid", "x");
    const value = fc.stringMatching(/^[A-Za-z0-9._-]{1,12}$/);
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(name, value), { minLength: 1, maxLength: 8 }), async (sets) => {
        const key = `q${run++}`;
        queued.set(key, sets.map(([n, v]) => `${n}=${v}; Path=/`));
        const cl = createClient(base);
        await cl.get(`/set/${key}`);
        queued.delete(key);
        const expected = new Map<string, string>();
        for (const [n, v] of sets) expected.set(n, v);
        expect(cl.cookies()).toEqual(Object.fromEntries(expected));
        const got = new Map((await sent(cl)).split("; ").map((p) => p.split("=") as [string, string]));
        expect(got).toEqual(expected);
      }),
      { numRuns: 30 },
    );
  });
});
