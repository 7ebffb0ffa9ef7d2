import * as net from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { StickyError } from "../../../lib/sticky/errors.js";
import { type BackendHandle, createCartHandler, createClient, spawnBackend, startBackend } from "../../../lib/sticky/proxy/index.js";

let started: BackendHandle[] = [];
afterEach(async () => {
  await Promise.all(started.map((b) => b.stop()));
  started = [];
});

/** Resolves to the error code of a TCP connect to the port (or "connected"). */
function connectResult(port: number): Promise<string> {
  return new Promise((resolve) => {
    const s = net.connect(port, "127.0.0.1");
    s.once("connect", () => {
      s.destroy();
      resolve("connected");
    });
    s.once("error", (e: NodeJS.ErrnoException) => resolve(e.code ?? "error"));
  });
}

const modes = {
  "in-process": (id: string) => startBackend({ id }),
  "child-process": (id: string) => spawnBackend({ id }),
};

describe.each(Object.entries(modes))("cart backend (%s)", (mode, start) => {
  it("keeps a cart per sid cookie and reports its server id", async () => {
    const b = await start("A");
    started.push(b);
    expect(b.mode).toBe(mode);
    expect(b.pid === undefined).toBe(mode === "in-process");
    const cl = createClient(b.url);
    const first = await cl.get("/cart");
    expect(first.json).toMatchObject({ server: "A", items: [] });
    expect(first.setCookies[0]).toMatch(/^sid=[A-Za-z0-9_-]{16}; Path=\/; HttpOnly; SameSite=Lax$/);
    expect((await cl.post("/cart/items", { item: "iPhone" })).json.items).toEqual(["iPhone"]);
    expect((await cl.post("/cart/items", { item: "iPad" })).json.items).toEqual(["iPhone", "iPad"]);
    const last = await cl.get("/cart");
    expect(last.json).toEqual({ server: "A", sid: first.json.sid, items: ["iPhone", "iPad"] });
    expect(last.setCookies).toEqual([]);
    // Another user, another cart; an unknown sid starts a new session.
    const other = createClient(b.url);
    other.setCookie("sid", "not-a-session");
    const o = await other.get("/cart");
    expect(o.json.items).toEqual([]);
    expect(o.json.sid).not.toBe("not-a-session");
  });

  it("answers health, 400 on bad items, 404 elsewhere", async () => {
    const b = await start("B");
    started.push(b);
    const cl = createClient(b.url);
    expect((await cl.get("/health")).status).toBe(200);
    expect((await cl.post("/cart/items", { nope: 1 })).status).toBe(400);
    expect((await cl.post("/cart/items", { item: "" })).status).toBe(400);
    expect((await cl.request("POST", "/cart/items")).status).toBe(400);
    expect((await cl.get("/nope")).status).toBe(404);
    expect((await cl.get("/echo/headers")).json.server).toBe("B");
  });

  it("crash: connections are refused afterwards", async () => {
    const b = await start("C");
    started.push(b);
    expect(await connectResult(b.port)).toBe("connected");
    await b.crash();
    expect(b.stopped).toBe(true);
    expect(await connectResult(b.port)).toBe("ECONNREFUSED");
    await b.stop(); // idempotent after a crash
  });
});

describe("cart backend: processes and input", () => {
  it("SIGKILL by PID kills a child-process backend", async () => {
    const b = await spawnBackend({ id: "K" });
    started.push(b);
    expect(typeof b.pid).toBe("number");
    process.kill(b.pid!, "SIGKILL");
    await b.exited;
    expect(b.stopped).toBe(true);
    expect(await connectResult(b.port)).toBe("ECONNREFUSED");
  });

  it("crash destroys busy keep-alive connections too", async () => {
    const b = await startBackend({ id: "A" });
    started.push(b);
    const s = net.connect(b.port, "127.0.0.1");
    await new Promise((r) => s.once("connect", r));
    const closed = new Promise((r) => s.once("close", r));
    s.on("error", () => undefined);
    await b.crash();
    await closed;
    expect(b.sessions.size).toBe(0);
  });

  it("rejects bad ids and ports with StickyError", async () => {
    for (const opts of [{ id: "" }, { id: "a.b" }, { id: "A", port: -1 }, { id: "A", port: 70000 }]) {
      await expect(startBackend(opts)).rejects.toThrow(StickyError);
      await expect(spawnBackend(opts)).rejects.toThrow(StickyError);
    }
    await expect(spawnBackend({ id: "A" }, 0)).rejects.toThrow(StickyError);
    expect(() => createCartHandler("x y")).toThrow(StickyError);
  });
});
