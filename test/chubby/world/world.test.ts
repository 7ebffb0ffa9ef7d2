import { describe, it, expect } from "vitest";
import {
  type FaultEvent,
  type TraceMode,
  World,
  WorldError,
  createWorld,
  faultSchedule,
  formatTrace,
  streamRng,
} from "../../../lib/chubby/world/index.js";

function codeOf(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    return e instanceof WorldError ? e.code : `not a WorldError: ${String(e)}`;
  }
  return undefined;
}

interface Got {
  t: number;
  at: string;
  what: string;
}

/** Adds nodes that only record what reaches them. */
function recorders(w: World<string>, ids: string[], log: Got[]): void {
  for (const id of ids) {
    w.addNode(id, {
      onMessage: (from, m) => log.push({ t: w.now, at: id, what: `${from}:${m}` }),
      onTimer: (tag) => log.push({ t: w.now, at: id, what: `timer:${tag}` }),
      onCrash: () => log.push({ t: w.now, at: id, what: "crashed" }),
      onRestart: () => log.push({ t: w.now, at: id, what: "restarted" }),
    });
  }
}

type Gossip = { n: number };
const IDS = ["n0", "n1", "n2", "n3", "n4"];

function gossipSchedule(seed: number): FaultEvent[] {
  return faultSchedule(streamRng(seed, "faults"), {
    durationMs: 20_000,
    nodes: IDS,
    crashEveryMs: 3000,
    crashDownMs: [200, 2000],
    pauseEveryMs: 3000,
    pauseMs: [50, 500],
    partitionEveryMs: 4000,
    partitionMs: [200, 2000],
    maxDown: 2,
    quietAfterMs: 15_000,
  });
}

/** Five nodes gossiping on timers, over a lossy, duplicating network, under a seeded fault schedule. */
function gossip(seed: number, trace: TraceMode = "full", schedule = gossipSchedule(seed)): World<Gossip> {
  const w = createWorld<Gossip>({
    seed,
    network: { minDelayMs: 1, meanDelayMs: 5, lossRate: 0.05, duplicateRate: 0.02 },
    clockDrift: 0.01,
    trace,
  });
  IDS.forEach((id, k) => {
    let count = 0;
    w.addNode(id, {
      onMessage: (_from, m) => {
        count++;
        if (m.n < 3) w.send(id, IDS[(count + m.n) % IDS.length], { n: m.n + 1 });
      },
      onTimer: () => {
        w.send(id, IDS[(count * 7 + k + 1) % IDS.length], { n: 0 });
        w.setTimer(id, 100, "tick");
      },
      onRestart: () => {
        w.setTimer(id, 100, "tick");
      },
    });
    w.setTimer(id, 10 + k, "tick");
  });
  w.applySchedule(schedule);
  w.run({ until: 20_000 });
  return w;
}

describe("determinism", () => {
  it("the same seed gives the identical trace, hash and counters", () => {
    const a = gossip(11);
    const b = gossip(11);
    expect(a.trace().length).toBeGreaterThan(1000);
    expect(a.stats().faults).toBeGreaterThan(5);
    expect(b.traceHash()).toBe(a.traceHash());
    expect(b.trace()).toEqual(a.trace());
    expect(b.stats()).toEqual(a.stats());
  });

  it("different seeds give different traces", () => {
    const hashes = new Set<string>();
    for (let seed = 0; seed < 20; seed++) hashes.add(gossip(seed, "hash").traceHash());
    expect(hashes.size).toBe(20);
  });

  it("a schedule printed as JSON and parsed back replays the same run", () => {
    const s = gossipSchedule(5);
    const replay = JSON.parse(JSON.stringify(s)) as FaultEvent[];
    expect(gossip(5, "hash", replay).traceHash()).toBe(gossip(5, "hash", s).traceHash());
  });

  it("tracing mode changes what is kept, never what happens", () => {
    const full = gossip(3, "full");
    const hash = gossip(3, "hash");
    const off = gossip(3, "off");
    expect(hash.traceHash()).toBe(full.traceHash());
    expect(hash.trace()).toEqual([]);
    expect(off.stats()).toEqual(full.stats());
    expect(codeOf(() => off.traceHash())).toBe("ERR_WORLD_INPUT");
    expect(formatTrace(full.trace().slice(0, 3)).split("\n")).toHaveLength(3);
  });

  it("a change in one message changes the hash", () => {
    const run = (m: string): string => {
      const w = createWorld<string>({ seed: 1 });
      recorders(w, ["a", "b"], []);
      w.send("a", "b", m);
      w.run();
      return w.traceHash();
    };
    expect(run("x")).toBe(run("x"));
    expect(run("x")).not.toBe(run("y"));
  });
});

describe("network", () => {
  it("loss rate is statistically right and lost + delivered = sent", () => {
    const w = createWorld<string>({ seed: 2, network: { lossRate: 0.1 }, trace: "off" });
    recorders(w, ["a", "b"], []);
    const n = 20_000;
    for (let i = 0; i < n; i++) w.send("a", "b", "m");
    w.run();
    const s = w.stats();
    expect(s.messagesSent).toBe(n);
    expect(s.dropped.loss / n).toBeGreaterThan(0.085);
    expect(s.dropped.loss / n).toBeLessThan(0.115);
    expect(s.messagesDelivered + s.dropped.loss).toBe(n);
  });

  it("setLoss and the loss rate never change the delays of messages that get through", () => {
    const arrivals = (loss: number): Map<string, number> => {
      const w = createWorld<string>({ seed: 4, network: { minDelayMs: 1, meanDelayMs: 3, lossRate: loss } });
      const log: Got[] = [];
      recorders(w, ["a", "b"], log);
      for (let i = 0; i < 500; i++) w.at(i, () => w.send("a", "b", String(i)));
      w.at(250, () => w.setLoss(loss / 2));
      w.run();
      return new Map(log.map((g) => [g.what, g.t]));
    };
    const clean = arrivals(0);
    const lossy = arrivals(0.4);
    expect(clean.size).toBe(500);
    expect(lossy.size).toBeLessThan(450);
    for (const [m, t] of lossy) expect(t).toBe(clean.get(m));
  });

  it("duplicates are delivered twice at about the duplicate rate", () => {
    const w = createWorld<string>({ seed: 6, network: { duplicateRate: 0.2 }, trace: "off" });
    recorders(w, ["a", "b"], []);
    for (let i = 0; i < 10_000; i++) w.send("a", "b", "m");
    w.run();
    const s = w.stats();
    expect(s.messagesDuplicated / 10_000).toBeGreaterThan(0.18);
    expect(s.messagesDuplicated / 10_000).toBeLessThan(0.22);
    expect(s.messagesDelivered).toBe(10_000 + s.messagesDuplicated);
  });

  it("jitter reorders messages on a link; with no jitter they stay in order", () => {
    const order = (mean: number): number[] => {
      const w = createWorld<string>({ seed: 8, network: { minDelayMs: 1, meanDelayMs: mean } });
      const log: Got[] = [];
      recorders(w, ["a", "b"], log);
      for (let i = 0; i < 200; i++) w.at(i * 0.5, () => w.send("a", "b", String(i)));
      w.run();
      return log.map((g) => Number(g.what.split(":")[1]));
    };
    const inversions = (xs: number[]): number => xs.filter((x, i) => i > 0 && x < xs[i - 1]).length;
    expect(inversions(order(5))).toBeGreaterThan(10);
    expect(inversions(order(1))).toBe(0);
    expect(order(1)).toHaveLength(200);
  });

  it("partitions block both ways, at send and at delivery, and heal", () => {
    const w = createWorld<string>({ seed: 1, network: { minDelayMs: 10, meanDelayMs: 10 } });
    const log: Got[] = [];
    recorders(w, ["a", "b", "c", "d"], log);
    w.partition([["a"], ["b", "c"]]);
    expect([w.canReach("a", "b"), w.canReach("b", "a"), w.canReach("b", "c"), w.canReach("d", "a"), w.canReach("d", "b")]).toEqual([
      false,
      false,
      true,
      true,
      true,
    ]);
    w.send("a", "b", "1");
    w.send("b", "a", "2");
    w.send("b", "c", "3");
    w.send("d", "a", "4"); // d is in no group: it reaches everyone
    w.run({ until: 50 });
    expect(log.map((g) => g.what).sort()).toEqual(["b:3", "d:4"]);
    expect(w.stats().dropped.partition).toBe(2);
    // In flight when the partition starts: dropped at delivery.
    w.heal();
    w.send("a", "b", "5");
    w.at(55, () => w.partition([["a"], ["b"]]));
    w.run({ until: 100 });
    expect(w.stats().dropped.partition).toBe(3);
    w.heal();
    w.send("a", "b", "6");
    w.send("b", "a", "7");
    w.run();
    expect(log.map((g) => g.what).slice(-2).sort()).toEqual(["a:6", "b:7"]);
  });

  it("isolate cuts one node off from all others until heal", () => {
    const w = createWorld<string>({ seed: 1 });
    const log: Got[] = [];
    recorders(w, ["a", "b", "c"], log);
    w.isolate("a");
    w.send("a", "b", "1");
    w.send("c", "a", "2");
    w.send("b", "c", "3");
    w.send("a", "a", "self");
    w.run();
    expect(log.map((g) => g.what).sort()).toEqual(["a:self", "b:3"]);
    w.heal();
    w.send("c", "a", "4");
    w.run();
    expect(log.at(-1)?.what).toBe("c:4");
  });
});

describe("crash and restart", () => {
  it("a crash drops in-flight messages and timers; onCrash runs; the node stays down", () => {
    const w = createWorld<string>({ seed: 1, network: { minDelayMs: 10, meanDelayMs: 10 } });
    const log: Got[] = [];
    recorders(w, ["a", "b"], log);
    w.send("a", "b", "in-flight");
    w.setTimer("b", 5, "t1");
    w.at(2, () => w.crash("b"));
    w.run({ until: 1000 });
    expect(log.map((g) => g.what)).toEqual(["crashed"]);
    expect(w.isUp("b")).toBe(false);
    const s = w.stats();
    expect([s.dropped.crash, s.timersDropped, s.timersFired]).toEqual([1, 1, 0]);
    expect(w.crash("b")).toBe(false);
    expect(codeOf(() => w.setTimer("b", 1, "x"))).toBe("ERR_WORLD_NODE_DOWN");
    expect(codeOf(() => w.send("b", "a", "x"))).toBe("ERR_WORLD_NODE_DOWN");
  });

  it("messages arriving while the node is down are lost; restart brings it back with a clean slate", () => {
    const w = createWorld<string>({ seed: 1, network: { minDelayMs: 10, meanDelayMs: 10 } });
    const log: Got[] = [];
    recorders(w, ["a", "b"], log);
    w.crash("b");
    w.send("a", "b", "while-down"); // arrives at 10, b is still down
    w.at(5, () => w.send("a", "b", "sent-down-arrives-up")); // arrives at 15, after the restart
    w.at(12, () => w.restart("b"));
    w.run({ until: 100 });
    expect(w.stats().dropped.down).toBe(1);
    expect(log.map((g) => `${g.t} ${g.what}`)).toEqual(["0 crashed", "12 restarted", "15 a:sent-down-arrives-up"]);
    expect(w.restart("b")).toBe(false);
    w.setTimer("b", 10, "again");
    w.send("b", "a", "hello");
    w.run();
    expect(log.slice(-2).map((g) => g.what).sort()).toEqual(["b:hello", "timer:again"]);
  });

  it("a message in flight across a crash and restart is still lost (it was sent to the old incarnation)", () => {
    const w = createWorld<string>({ seed: 1, network: { minDelayMs: 10, meanDelayMs: 10 } });
    const log: Got[] = [];
    recorders(w, ["a", "b"], log);
    w.send("a", "b", "old");
    w.at(2, () => w.crash("b"));
    w.at(3, () => w.restart("b"));
    w.run();
    expect(log.map((g) => g.what)).toEqual(["crashed", "restarted"]);
    expect(w.stats().dropped.crash).toBe(1);
  });

  it("cancelTimer with an owner cancels only that node's timer", () => {
    const w = createWorld<string>({ seed: 1 });
    const log: Got[] = [];
    recorders(w, ["a", "b"], log);
    const id = w.setTimer("a", 10, "x");
    expect(w.cancelTimer(id, "b")).toBe(false);
    expect(w.cancelTimer(id, "a")).toBe(true);
    expect(codeOf(() => w.cancelTimer(id, "nobody"))).toBe(undefined); // already cancelled: no lookup needed
    expect(codeOf(() => w.cancelTimer(w.setTimer("a", 5, "y"), "nobody"))).toBe("ERR_WORLD_UNKNOWN_NODE");
  });

  it("cancelTimer stops a timer once", () => {
    const w = createWorld<string>({ seed: 1 });
    const log: Got[] = [];
    recorders(w, ["a"], log);
    const id = w.setTimer("a", 10, "x");
    w.setTimer("a", 20, "y");
    expect(w.cancelTimer(id)).toBe(true);
    expect(w.cancelTimer(id)).toBe(false);
    w.run();
    expect(log.map((g) => g.what)).toEqual(["timer:y"]);
    expect(w.stats().timersCancelled).toBe(1);
  });
});

describe("pause (a GC pause)", () => {
  it("delays delivery and timers to the end of the pause, then runs them in their order", () => {
    const w = createWorld<string>({ seed: 1, network: { minDelayMs: 1, meanDelayMs: 1 }, clockDrift: 0 });
    const log: Got[] = [];
    recorders(w, ["a", "b"], log);
    w.pause("b", 100);
    w.send("a", "b", "m1"); // due at 1
    w.setTimer("b", 50, "t"); // due at 50
    w.at(60, () => w.send("a", "b", "m2")); // due at 61
    w.at(80, () => expect(w.isPaused("b")).toBe(true));
    w.run({ until: 99 });
    expect(log).toEqual([]);
    w.run({ until: 200 });
    expect(log.map((g) => `${g.t} ${g.what}`)).toEqual(["100 a:m1", "100 timer:t", "100 a:m2"]);
    expect(w.isPaused("b")).toBe(false);
    expect(w.stats().deferred).toBe(3);
    w.send("a", "b", "m3");
    w.run();
    expect(log.at(-1)).toEqual({ t: 201, at: "b", what: "a:m3" });
  });

  it("a second pause extends to the later end, never shortens", () => {
    const resumeAt = (second: [number, number]): number => {
      const w = createWorld<string>({ seed: 1, network: { minDelayMs: 1, meanDelayMs: 1 } });
      const log: Got[] = [];
      recorders(w, ["a", "b"], log);
      w.pause("b", 100);
      w.at(second[0], () => w.pause("b", second[1]));
      w.send("a", "b", "m");
      w.run();
      return log[0].t;
    };
    expect(resumeAt([50, 100])).toBe(150);
    expect(resumeAt([10, 20])).toBe(100);
  });

  it("a crash during a pause loses what was waiting; a cancelled timer does not fire at resume", () => {
    const w = createWorld<string>({ seed: 1, network: { minDelayMs: 1, meanDelayMs: 1 } });
    const log: Got[] = [];
    recorders(w, ["a", "b", "c"], log);
    w.pause("b", 100);
    w.pause("c", 100);
    w.send("a", "b", "lost");
    const t = w.setTimer("c", 10, "cancelled");
    w.setTimer("c", 20, "kept");
    w.at(50, () => w.cancelTimer(t));
    w.at(50, () => w.crash("b"));
    w.at(60, () => w.restart("b"));
    w.run();
    expect(log.filter((g) => g.at === "b").map((g) => g.what)).toEqual(["crashed", "restarted"]);
    expect(log.filter((g) => g.at === "c").map((g) => `${g.t} ${g.what}`)).toEqual(["100 timer:kept"]);
    expect(w.stats().dropped.crash).toBe(1);
    expect(w.pause("b", 10)).toBe(true);
    w.crash("b");
    expect(w.pause("b", 10)).toBe(false);
  });
});

describe("clock drift", () => {
  it("rates stay within the bound, differ per node, and local timers scale by 1 / rate", () => {
    const w = createWorld<string>({ seed: 3, clockDrift: 0.05 });
    const fired = new Map<string, { now: number; local: number }>();
    const ids = Array.from({ length: 50 }, (_, i) => `n${i}`);
    for (const id of ids) w.addNode(id, { onMessage() {}, onTimer: () => fired.set(id, { now: w.now, local: w.localNow(id) }) });
    for (const id of ids) w.setTimer(id, 1000, "x");
    w.run();
    const rates = ids.map((id) => w.clockRate(id));
    expect(Math.min(...rates)).toBeGreaterThanOrEqual(0.95);
    expect(Math.max(...rates)).toBeLessThanOrEqual(1.05);
    expect(Math.max(...rates) - Math.min(...rates)).toBeGreaterThan(0.05);
    for (const id of ids) {
      const f = fired.get(id)!;
      expect(f.now).toBeCloseTo(1000 / w.clockRate(id), 9);
      expect(f.local).toBeCloseTo(1000, 9);
    }
  });

  it("no drift means every clock is the true clock; a node's rate does not depend on the others", () => {
    const flat = createWorld<string>({ seed: 3, clockDrift: 0 });
    flat.addNode("x", { onMessage() {} });
    flat.run({ until: 123 });
    expect([flat.clockRate("x"), flat.localNow("x")]).toEqual([1, 123]);
    const one = createWorld<string>({ seed: 3, clockDrift: 0.01 });
    one.addNode("x", { onMessage() {} });
    const two = createWorld<string>({ seed: 3, clockDrift: 0.01 });
    two.addNode("y", { onMessage() {} });
    two.addNode("x", { onMessage() {} });
    expect(two.clockRate("x")).toBe(one.clockRate("x"));
    expect(two.clockRate("y")).not.toBe(two.clockRate("x"));
  });
});

describe("running", () => {
  it("run stops at until (and moves now there), at maxEvents, or when empty; step runs one event", () => {
    const w = createWorld<string>({ seed: 1, clockDrift: 0 });
    const log: Got[] = [];
    recorders(w, ["a"], log);
    for (let i = 1; i <= 5; i++) w.setTimer("a", i * 10, String(i));
    expect(w.run({ until: 25 })).toBe(2);
    expect(w.now).toBe(25);
    expect(w.run({ maxEvents: 1 })).toBe(1);
    expect(w.now).toBe(30);
    expect(w.step()).toBe(true);
    expect(w.run()).toBe(1);
    expect(w.step()).toBe(false);
    expect(log.map((g) => g.what)).toEqual(["timer:1", "timer:2", "timer:3", "timer:4", "timer:5"]);
    expect(w.pending()).toBe(0);
  });

  it("at() runs an outside action at its time and records it", () => {
    const w = createWorld<string>({ seed: 1 });
    const seen: number[] = [];
    w.at(7, () => seen.push(w.now), "look");
    w.run();
    expect(seen).toEqual([7]);
    expect(w.trace()).toEqual([{ t: 7, kind: "call", label: "look" }]);
  });

  it("faults from a schedule are traced; ones that cannot apply are skipped and counted", () => {
    const w = createWorld<string>({ seed: 1 });
    recorders(w, ["a", "b"], []);
    w.applySchedule([
      { at: 1, kind: "crash", node: "a" },
      { at: 2, kind: "crash", node: "a" },
      { at: 3, kind: "restart", node: "a" },
      { at: 4, kind: "loss", rate: 0.5 },
    ]);
    w.run();
    expect(w.stats().faults).toBe(3);
    expect(w.stats().faultsSkipped).toBe(1);
    expect(w.trace().filter((r) => r.kind === "fault").map((r) => r.t)).toEqual([1, 3, 4]);
  });
});

describe("misuse gets typed errors", () => {
  it("unknown and duplicate nodes", () => {
    const w = createWorld<string>({ seed: 1 });
    w.addNode("a", { onMessage() {} });
    expect(codeOf(() => w.addNode("a", { onMessage() {} }))).toBe("ERR_WORLD_DUPLICATE_NODE");
    expect(codeOf(() => w.addNode("", { onMessage() {} }))).toBe("ERR_WORLD_INPUT");
    expect(codeOf(() => w.addNode("z", {} as never))).toBe("ERR_WORLD_INPUT");
    for (const f of [
      () => w.send("a", "x", "m"),
      () => w.send("x", "a", "m"),
      () => w.setTimer("x", 1, "t"),
      () => w.crash("x"),
      () => w.restart("x"),
      () => w.pause("x", 1),
      () => w.isolate("x"),
      () => w.localNow("x"),
      () => w.isUp("x"),
    ]) {
      expect(codeOf(f)).toBe("ERR_WORLD_UNKNOWN_NODE");
    }
  });

  it("negative or non-finite delays and times", () => {
    const w = createWorld<string>({ seed: 1 });
    w.addNode("a", { onMessage() {} });
    expect(codeOf(() => w.setTimer("a", -1, "t"))).toBe("ERR_WORLD_INPUT");
    expect(codeOf(() => w.setTimer("a", NaN, "t"))).toBe("ERR_WORLD_INPUT");
    expect(codeOf(() => w.pause("a", -5))).toBe("ERR_WORLD_INPUT");
    w.run({ until: 10 });
    expect(codeOf(() => w.at(5, () => {}))).toBe("ERR_WORLD_INPUT");
    expect(codeOf(() => w.run({ until: 5 }))).toBe("ERR_WORLD_INPUT");
    expect(codeOf(() => w.run({ maxEvents: -1 }))).toBe("ERR_WORLD_INPUT");
    expect(codeOf(() => w.setLoss(2))).toBe("ERR_WORLD_INPUT");
  });

  it("bad partition groups", () => {
    const w = createWorld<string>({ seed: 1 });
    recorders(w, ["a", "b", "c"], []);
    expect(codeOf(() => w.partition([]))).toBe("ERR_WORLD_PARTITION");
    expect(codeOf(() => w.partition([["a"], []]))).toBe("ERR_WORLD_PARTITION");
    expect(codeOf(() => w.partition([["a"], ["q"]]))).toBe("ERR_WORLD_PARTITION");
    expect(codeOf(() => w.partition([["a", "b"], ["b", "c"]]))).toBe("ERR_WORLD_PARTITION");
    expect(w.canReach("a", "b")).toBe(true);
  });

  it("bad world options", () => {
    expect(codeOf(() => createWorld({ seed: 1.5 }))).toBe("ERR_WORLD_INPUT");
    expect(codeOf(() => createWorld({ seed: 1, clockDrift: 0.5 }))).toBe("ERR_WORLD_INPUT");
    expect(codeOf(() => createWorld({ seed: 1, clockDrift: -0.1 }))).toBe("ERR_WORLD_INPUT");
    expect(codeOf(() => createWorld({ seed: 1, network: { lossRate: -1 } }))).toBe("ERR_WORLD_INPUT");
    expect(codeOf(() => createWorld({ seed: 1, trace: "some" as TraceMode }))).toBe("ERR_WORLD_INPUT");
  });

  it("a bad schedule entry schedules nothing", () => {
    const w = createWorld<string>({ seed: 1 });
    recorders(w, ["a"], []);
    const bad = [
      { at: 1, kind: "crash", node: "a" },
      { at: 2, kind: "crash", node: "ghost" },
    ] as FaultEvent[];
    expect(codeOf(() => w.applySchedule(bad))).toBe("ERR_WORLD_UNKNOWN_NODE");
    expect(codeOf(() => w.applySchedule([{ at: 1, kind: "explode" } as unknown as FaultEvent]))).toBe("ERR_WORLD_INPUT");
    expect(codeOf(() => w.applySchedule([{ at: -1, kind: "heal" }]))).toBe("ERR_WORLD_INPUT");
    expect(codeOf(() => w.applySchedule([{ at: 1, kind: "partition", groups: [["a"], ["a"]] }]))).toBe("ERR_WORLD_PARTITION");
    expect(w.pending()).toBe(0);
  });

  it("run or step from inside a handler is refused, and the world stays usable", () => {
    const w = createWorld<string>({ seed: 1 });
    w.addNode("a", { onMessage: () => w.run() });
    w.addNode("b", { onMessage() {} });
    w.send("b", "a", "go");
    expect(codeOf(() => w.run())).toBe("ERR_WORLD_REENTRANT");
    w.send("a", "b", "after");
    expect(w.run()).toBe(1);
    expect(w.stats().messagesDelivered).toBe(2);
  });
});
