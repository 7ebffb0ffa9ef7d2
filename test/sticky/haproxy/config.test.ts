import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { StickyError } from "../../../lib/sticky/errors.js";
import {
  HAPROXY_SKIP_MESSAGE,
  HaproxyError,
  adminCommand,
  haproxyAvailable,
  haproxyConfig,
  parseServersState,
} from "../../../lib/sticky/haproxy/index.js";

const SOCK = "/tmp/sticky-haproxy-x/admin.sock";
const base = { servers: [{ id: "A", port: 9001 }, { id: "B", port: 9002 }, { id: "C", port: 9003 }], port: 8081, adminSocket: SOCK };
const lines = (text: string): string[] => text.split("\n").map((l) => l.trim());

describe("haproxyConfig (pure)", () => {
  it("defaults: the seed's cookie insert, redispatch, checks, retries 2, timeout connect 500ms, admin socket, round robin", () => {
    const cfg = haproxyConfig(base);
    const l = lines(cfg);
    expect(cfg.endsWith("\n")).toBe(true);
    expect(l).toContain(`stats socket unix@${SOCK} mode 600 level admin`);
    expect(l).toContain("mode http");
    expect(l).toContain("timeout connect 500ms");
    expect(l).toContain("retries 2");
    expect(l).toContain("option redispatch");
    expect(l).toContain("bind 127.0.0.1:8081");
    expect(l).toContain("balance roundrobin");
    expect(l).toContain("cookie SERVERID insert indirect nocache httponly");
    expect(l.filter((x) => x.startsWith("server "))).toEqual([
      "server A 127.0.0.1:9001 cookie A check inter 300 fall 2 rise 2",
      "server B 127.0.0.1:9002 cookie B check inter 300 fall 2 rise 2",
      "server C 127.0.0.1:9003 cookie C check inter 300 fall 2 rise 2",
    ]);
    expect(l.some((x) => x.startsWith("option httpchk"))).toBe(false);
    expect(haproxyConfig(base)).toBe(cfg); // pure
  });

  it("variants: no redispatch, no checks, retries, timeouts, httpchk, cookie name, threads, hosts", () => {
    const l = lines(
      haproxyConfig({
        ...base,
        servers: [{ id: "s-1", port: 7000, host: "10.0.0.2" }],
        redispatch: false,
        healthCheck: false,
        retries: 0,
        timeoutConnectMs: 250,
        timeoutClientMs: 3000,
        timeoutServerMs: 4000,
        cookieName: "LB",
        nbthread: 2,
      }),
    );
    expect(l).toContain("no option redispatch");
    expect(l).not.toContain("option redispatch");
    expect(l).toContain("retries 0");
    expect(l).toContain("timeout connect 250ms");
    expect(l).toContain("timeout client 3000ms");
    expect(l).toContain("timeout server 4000ms");
    expect(l).toContain("cookie LB insert indirect nocache httponly");
    expect(l).toContain("nbthread 2");
    expect(l).toContain("server s-1 10.0.0.2:7000 cookie s-1");
    const h = lines(haproxyConfig({ ...base, healthCheck: { interMs: 50, fall: 3, rise: 1, path: "/health" } }));
    expect(h).toContain("option httpchk GET /health");
    expect(h).toContain("server A 127.0.0.1:9001 cookie A check inter 50 fall 3 rise 1");
  });

  it("property: one server line per server, in order, cookie = id, check words iff checks are on", () => {
    const id = fc.stringMatching(/^[A-Za-z0-9_-]{1,12}$/);
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.tuple(id, fc.integer({ min: 1, max: 65535 })), { minLength: 1, maxLength: 12, selector: (t) => t[0] }),
        fc.boolean(),
        fc.boolean(),
        (servers, check, redispatch) => {
          const cfg = haproxyConfig({ ...base, servers: servers.map(([i, port]) => ({ id: i, port })), healthCheck: check, redispatch });
          const got = lines(cfg).filter((x) => x.startsWith("server "));
          expect(got).toEqual(servers.map(([i, port]) => `server ${i} 127.0.0.1:${port} cookie ${i}${check ? " check inter 300 fall 2 rise 2" : ""}`));
          expect(lines(cfg).includes("option redispatch")).toBe(redispatch);
        },
      ),
    );
  });

  it("rejects bad input with StickyError ERR_STICKY_INPUT", () => {
    const bad: unknown[] = [
      { ...base, servers: [] },
      { ...base, servers: [{ id: "a b", port: 1 }] },
      { ...base, servers: [{ id: "A", port: 1 }, { id: "A", port: 2 }] },
      { ...base, servers: [{ id: "A" }] },
      { ...base, servers: [{ id: "A", port: 0 }] },
      { ...base, servers: [{ id: "A", port: 1, host: "example.com" }] },
      { ...base, port: 70000 },
      { ...base, port: undefined },
      { ...base, adminSocket: "relative.sock" },
      { ...base, adminSocket: "/tmp/a b.sock" },
      { ...base, adminSocket: "/tmp/a#b.sock" },
      { ...base, adminSocket: `/${"x".repeat(120)}` },
      { ...base, retries: -1 },
      { ...base, timeoutConnectMs: 0 },
      { ...base, nbthread: 1.5 },
      { ...base, cookieName: "S ID" },
      { ...base, redispatch: "yes" },
      { ...base, healthCheck: { interMs: 0 } },
      { ...base, healthCheck: { path: "health" } },
    ];
    for (const o of bad) {
      let err: unknown;
      try {
        haproxyConfig(o as never);
      } catch (e) {
        err = e;
      }
      expect(err, JSON.stringify(o)).toBeInstanceOf(StickyError);
      expect((err as StickyError).code).toBe("ERR_STICKY_INPUT");
    }
  });
});

describe("HAProxy helpers without HAProxy", () => {
  // A real answer of HAProxy 2.6 to `show servers state be` (A down, B drained, C in maintenance).
  const SAMPLE =
    "1\n# be_id be_name srv_id srv_name srv_addr srv_op_state srv_admin_state srv_uweight srv_iweight " +
    "srv_time_since_last_change srv_check_status srv_check_result srv_check_health srv_check_state srv_agent_state " +
    "bk_f_forced_id srv_f_forced_id srv_fqdn srv_port srvrecord srv_use_ssl srv_check_port srv_check_addr srv_agent_addr srv_agent_port\n" +
    "3 be 1 A 127.0.0.1 0 0 1 1 1 8 2 0 6 0 0 0 - 1 - 0 0 - - 0\n" +
    "3 be 2 B 127.0.0.1 2 8 1 1 0 1 0 2 0 0 0 0 - 2 - 0 0 - - 0\n" +
    "3 be 3 C 127.0.0.1 0 1 1 1 0 1 0 0 0 0 0 0 - 3 - 0 0 - - 0\n\n";

  it("parseServersState reads health and admin state per server", () => {
    expect(parseServersState(SAMPLE)).toEqual([
      { id: "A", up: false, admin: "ready", opState: 0, adminState: 0 },
      { id: "B", up: true, admin: "drain", opState: 2, adminState: 8 },
      { id: "C", up: false, admin: "maint", opState: 0, adminState: 1 },
    ]);
    for (const bad of ["Can't find backend.\n", "", "1\n3 be 1 A\n"]) {
      expect(() => parseServersState(bad)).toThrow(HaproxyError);
    }
  });

  it("haproxyAvailable searches the fixed paths, then PATH, and wants an executable file", () => {
    const dir = mkdtempSync(join(tmpdir(), "sticky-hap-path-"));
    try {
      const fake = join(dir, "haproxy");
      writeFileSync(fake, "#!/bin/sh\n");
      chmodSync(fake, 0o644);
      expect(haproxyAvailable(dir, [])).toBeNull(); // not executable
      chmodSync(fake, 0o755);
      expect(haproxyAvailable(`/nonexistent:relative:${dir}`, [])).toBe(fake);
      expect(haproxyAvailable(dir, [fake])).toBe(fake);
      expect(haproxyAvailable("", [])).toBeNull();
      expect(haproxyAvailable("", [dir])).toBeNull(); // a directory is not a binary
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect(HAPROXY_SKIP_MESSAGE).toMatch(/apt-get install -y haproxy/);
  });

  it("adminCommand: one-line commands only; an unreachable socket is ERR_HAPROXY_ADMIN", async () => {
    expect(() => adminCommand("/nonexistent.sock", "show info\nshow stat")).toThrow(StickyError);
    expect(() => adminCommand("/nonexistent.sock", " ")).toThrow(StickyError);
    const err = await adminCommand("/nonexistent/admin.sock", "show info").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HaproxyError);
    expect((err as HaproxyError).code).toBe("ERR_HAPROXY_ADMIN");
  });
});
