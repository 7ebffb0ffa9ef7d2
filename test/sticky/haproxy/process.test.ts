import { existsSync } from "node:fs";
import { dirname } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { StickyError } from "../../../lib/sticky/errors.js";
import {
  HAPROXY_SKIP_MESSAGE,
  type HaproxyHandle,
  HaproxyError,
  haproxyAvailable,
  haproxyVersion,
  startHaproxy,
} from "../../../lib/sticky/haproxy/index.js";
import { type BackendHandle, createClient, spawnBackend, startBackend } from "../../../lib/sticky/proxy/index.js";

const HAPROXY = haproxyAvailable();
if (HAPROXY === null) console.warn(HAPROXY_SKIP_MESSAGE);

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe("startHaproxy: failures (no HAProxy needed)", () => {
  it("a binary that exits at once is ERR_HAPROXY_START with its stderr, and nothing is left behind", async () => {
    const err = await startHaproxy({ servers: [{ id: "A", port: 9 }], haproxyPath: "/bin/sh", startTimeoutMs: 3000 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HaproxyError);
    expect((err as HaproxyError).code).toBe("ERR_HAPROXY_START");
    expect((err as HaproxyError).stderr).not.toBe(""); // sh complains about -db
  });

  it("bad options are StickyError before anything starts", async () => {
    await expect(startHaproxy({ servers: [] })).rejects.toThrow(StickyError);
    await expect(startHaproxy({ servers: [{ id: "A", port: 1 }], startTimeoutMs: 0 })).rejects.toThrow(StickyError);
    await expect(startHaproxy({ servers: [{ id: "A", port: 1 }], haproxyPath: "haproxy" })).rejects.toThrow(StickyError);
  });
});

describe.skipIf(HAPROXY === null)("HAProxy as a child process", () => {
  let backends: BackendHandle[] = [];
  let hap: HaproxyHandle | undefined;
  beforeAll(async () => {
    backends = await Promise.all(["A", "B", "C"].map((id) => startBackend({ id })));
    hap = await startHaproxy({ servers: backends.map((b) => ({ id: b.id, port: b.port })) });
  });
  afterAll(async () => {
    await hap?.stop();
    await Promise.all(backends.map((b) => b.stop()));
  });

  it("runs in the foreground with its own PID on 127.0.0.1, config and socket in a temp dir", async () => {
    const h = hap!;
    expect(h.url).toBe(`http://127.0.0.1:${h.port}`);
    expect(alive(h.pid)).toBe(true);
    expect(existsSync(h.socketPath)).toBe(true);
    expect(h.config).toContain(`bind 127.0.0.1:${h.port}`);
    expect(haproxyVersion(HAPROXY)).toMatch(/^\d+\.\d+/);
    expect(await h.serverStates()).toEqual(
      ["A", "B", "C"].map((id) => expect.objectContaining({ id, up: true, admin: "ready" })),
    );
  });

  it("is sticky: 6 clients (tough-cookie jars) each stay on one server; SERVERID set once, never seen by the backend", async () => {
    const h = hap!;
    const clients = Array.from({ length: 6 }, () => createClient(h.url));
    const home: string[] = [];
    for (const cl of clients) {
      const r = await cl.get("/cart");
      expect(r.status).toBe(200);
      home.push(r.json.server);
      const set = r.setCookies.find((l) => l.startsWith("SERVERID="));
      expect(set).toMatch(new RegExp(`^SERVERID=${r.json.server}; path=/; HttpOnly$`));
    }
    expect(new Set(home)).toEqual(new Set(["A", "B", "C"]));
    for (let i = 0; i < clients.length; i++) {
      for (const item of ["iPhone", "iPad"]) {
        const r = await clients[i].post("/cart/items", { item });
        expect(r.json.server).toBe(home[i]);
        expect(r.setCookies.some((l) => l.startsWith("SERVERID="))).toBe(false);
      }
      const echo = await clients[i].get("/echo/headers");
      expect(echo.json.server).toBe(home[i]);
      expect(String(echo.json.headers.cookie ?? "")).not.toMatch(/SERVERID/); // indirect
      expect((await clients[i].get("/cart")).json.items).toEqual(["iPhone", "iPad"]);
    }
  });

  it("drain / maint / ready through the admin socket; an unknown id is refused", async () => {
    const h = hap!;
    await h.drain("B");
    expect((await h.serverStates()).find((s) => s.id === "B")!.admin).toBe("drain");
    const fresh: string[] = [];
    for (let i = 0; i < 4; i++) fresh.push((await createClient(h.url).get("/cart")).json.server);
    expect(fresh).not.toContain("B");
    await h.maint("B");
    expect((await h.serverStates()).find((s) => s.id === "B")!.admin).toBe("maint");
    await h.ready("B");
    expect((await h.serverStates()).find((s) => s.id === "B")).toMatchObject({ admin: "ready", up: true });
    await expect(h.drain("Z")).rejects.toThrow(StickyError);
    expect(await h.admin("set server be/Z state drain")).toMatch(/No such server/);
  });

  it("stop() kills it by PID and removes its temp dir; a second stop is harmless", async () => {
    const b = await spawnBackend({ id: "A" });
    const h = await startHaproxy({ servers: [{ id: "A", port: b.port }], healthCheck: false, redispatch: false });
    try {
      expect((await createClient(h.url).get("/health")).status).toBe(200);
    } finally {
      await h.stop();
      await b.stop();
    }
    expect(alive(h.pid)).toBe(false);
    expect(existsSync(dirname(h.socketPath))).toBe(false);
    await h.stop();
  });
});
