import { describe, expect, it } from "vitest";
import { type ChubbyClient, type ChubbyError, type ClientEvent, type SetupContext, runChubby } from "../../lib/chubby/index.js";

const FILE = "/ls/cell/web/leader";

/** Runs a quiet cell with one extra client and a script of calls on it; returns what the script recorded. */
function withClient(script: (c: ChubbyClient, ctx: SetupContext, log: Record<string, unknown>) => void, extra: object = {}): { log: Record<string, unknown>; events: ClientEvent[] } {
  const log: Record<string, unknown> = {};
  const events: ClientEvent[] = [];
  runChubby(
    { durationMs: 90_000, faults: [], webServers: 1, ...extra },
    {
      onSetup: (ctx) => {
        const c = ctx.newClient("tester");
        c.onEvent((e) => events.push(e));
        ctx.world.at(6_000, () => c.startSession(() => script(c, ctx, log)), "tester starts");
      },
    },
  );
  return { log, events };
}

const code = (e: ChubbyError | null): string | null => (e === null ? null : e.code);

describe("ChubbyClient: API misuse surfaces as ChubbyError codes", () => {
  it("a bad path fails at once with ERR_CHUBBY_BAD_PATH", () => {
    const { log } = withClient((c, _ctx, log) => {
      c.open("/etc/passwd", {}, (e) => (log.badPath = code(e)));
      c.open("/ls/cell/a/../b", {}, (e) => (log.dotdot = code(e)));
    });
    expect(log.badPath).toBe("ERR_CHUBBY_BAD_PATH");
    expect(log.dotdot).toBe("ERR_CHUBBY_BAD_PATH");
  });

  it("oversize contents fail with ERR_CHUBBY_TOO_LARGE; 256 KiB exactly is accepted", () => {
    const { log } = withClient((c, _ctx, log) => {
      c.open("/ls/cell/big", { mode: "write", create: true }, (e, r) => {
        const h = r?.handle as number;
        c.setContents(h, "x".repeat(262_145), {}, (e2) => (log.tooLarge = code(e2)));
        c.setContents(h, "x".repeat(262_144), {}, (e3) => (log.max = code(e3)));
      });
    });
    expect(log.tooLarge).toBe("ERR_CHUBBY_TOO_LARGE");
    expect(log.max).toBeNull();
  });

  it("release of a lock not held gives ERR_CHUBBY_LOCK_NOT_HELD; a busy TryAcquire ERR_CHUBBY_LOCK_BUSY; a lock-delay over 60 s ERR_CHUBBY_LOCK_DELAY_TOO_LONG", () => {
    const { log } = withClient((c, _ctx, log) => {
      c.open(FILE, { mode: "write" }, (e, r) => {
        const h = r?.handle as number;
        c.release(h, (e2) => (log.release = code(e2)));
        c.tryAcquire(h, {}, (e3) => (log.busy = code(e3)));
        c.acquire(h, { lockDelayMs: 61_000 }, (e4) => (log.delay = code(e4)));
      });
    });
    expect(log.release).toBe("ERR_CHUBBY_LOCK_NOT_HELD");
    expect(log.busy).toBe("ERR_CHUBBY_LOCK_BUSY"); // web-1 holds it
    expect(log.delay).toBe("ERR_CHUBBY_LOCK_DELAY_TOO_LONG");
  });

  it("a closed handle is stale (ERR_CHUBBY_STALE_HANDLE); a handle opened before a master fail-over still works after it", () => {
    const { log } = withClient(
      (c, ctx, log) => {
        c.open(FILE, {}, (e, r) => {
          const h = r?.handle as number;
          c.open(FILE, {}, (e2, r2) => {
            const h2 = r2?.handle as number;
            c.close(h2, () => c.getContentsAndStat(h2, (e3) => (log.stale = code(e3))));
          });
          ctx.world.at(40_000, () => c.getStat(h, (e4, s) => (log.afterFailover = e4 === null ? s?.stat.path : code(e4))), "read after fail-over");
        });
      },
      { faults: [{ at: 15_000, kind: "crash", target: "master" }] },
    );
    expect(log.stale).toBe("ERR_CHUBBY_STALE_HANDLE");
    expect(log.afterFailover).toBe(FILE);
  });

  it("a call stamped with an epoch older than the master's fails with ERR_CHUBBY_OLD_EPOCH", () => {
    const { log } = withClient(
      (c, ctx, log) => {
        c.open(FILE, {}, (e, r) => {
          ctx.world.at(40_000, () => {
            log.epoch = c.epoch;
            c.epoch = 1; // as a client that missed the fail-over would send
            c.getStat(r?.handle as number, (e2) => (log.old = code(e2)));
          }, "old epoch");
        });
      },
      { faults: [{ at: 15_000, kind: "crash", target: "master" }] },
    );
    expect(log.epoch).toBeGreaterThan(1);
    expect(log.old).toBe("ERR_CHUBBY_OLD_EPOCH");
  });
});

describe("ChubbyClient: cache, sessions, events", () => {
  it("serves a second read from its cache, and sees another client's write after the invalidation", () => {
    const { log } = withClient((c, ctx, log) => {
      c.open("/ls/cell/f", { mode: "write", create: true, contents: "v1" }, (e, r) => {
        const h = r?.handle as number;
        c.getContentsAndStat(h, (e1, a) => {
          log.first = a?.cached;
          c.getContentsAndStat(h, (e2, b) => (log.second = b?.cached));
        });
        const other = ctx.clients[0];
        ctx.world.at(20_000, () => other.open("/ls/cell/f", { mode: "write" }, (e3, r3) => other.setContents(r3?.handle as number, "v2", {}, (e4) => (log.write = code(e4)))), "other writes");
        ctx.world.at(30_000, () => c.getContentsAndStat(h, (e5, x) => (log.after = x?.contents)), "read again");
      });
    });
    expect(log.first).toBe(false);
    expect(log.second).toBe(true);
    expect(log.write).toBeNull();
    expect(log.after).toBe("v2");
  });

  it("a client paused past its lease gets expired from the server; its ephemeral file is gone", () => {
    const { log, events } = withClient((c, ctx, log) => {
      c.open("/ls/cell/eph", { mode: "write", create: true, ephemeral: true }, () => {
        ctx.world.at(10_000, () => ctx.world.pause("tester", 40_000), "pause tester");
        ctx.world.at(60_000, () => {
          const r = ctx.replicas.find((x) => x.master !== null);
          log.exists = r?.state.nodes.has("/ls/cell/eph");
        }, "look");
      });
    });
    expect(events.map((e) => e.kind)).toContain("expired");
    expect(events.map((e) => e.kind)).not.toContain("safe");
    expect(log.exists).toBe(false);
  });

  it("a blocking Acquire completes when the holder releases, with a lockGranted event first", () => {
    const { log, events } = withClient((c, ctx, log) => {
      c.open("/ls/cell/L", { mode: "write", create: true }, (e, r) => {
        const other = ctx.clients[0];
        other.open("/ls/cell/L", { mode: "write" }, (e2, r2) => {
          const h2 = r2?.handle as number;
          other.acquire(h2, {}, (e3) => {
            log.otherGranted = code(e3);
            c.acquire(r?.handle as number, {}, (e4, g) => (log.mine = e4 === null ? g?.generation : code(e4)));
            ctx.world.at(30_000, () => other.release(h2, (e5) => (log.released = code(e5))), "release");
          });
        });
      });
    });
    expect(log.otherGranted).toBeNull();
    expect(log.released).toBeNull();
    expect(typeof log.mine).toBe("number");
    expect(events.some((e) => e.kind === "cell" && e.event.kind === "lockGranted")).toBe(true);
  });
});
