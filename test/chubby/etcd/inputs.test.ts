import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import {
  ETCD_MISSING_MESSAGE,
  EtcdLabError,
  REAPER_SOURCE,
  type EtcdCluster,
  etcdAvailable,
  etcdTakeoverExperiment,
  freePorts,
  runEtcdElection,
  spawnCandidate,
  startEtcdCluster,
  summarizeTakeovers,
} from "../../../lib/chubby/etcd/index.js";

async function codeOf(p: Promise<unknown> | (() => unknown)): Promise<string> {
  try {
    await (typeof p === "function" ? p() : p);
  } catch (e) {
    expect(e).toBeInstanceOf(EtcdLabError);
    return (e as EtcdLabError).code;
  }
  return "no error";
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe("etcd availability", () => {
  it("finds an executable etcd or says how to install it", () => {
    const p = etcdAvailable();
    expect(p === null || (path.isAbsolute(p) && path.basename(p) === "etcd")).toBe(true);
    expect(ETCD_MISSING_MESSAGE).toContain("sudo apt-get install -y etcd-server etcd-client");
    expect(ETCD_MISSING_MESSAGE).toContain("npm start");
  });

  it("reports a missing etcd as ERR_ETCD_MISSING, an etcdPath that cannot run as ERR_ETCD_START", async () => {
    const saved = process.env.PATH;
    process.env.PATH = "/nonexistent";
    try {
      // Only when etcd is not also in one of the fixed directories.
      if (etcdAvailable() === null) expect(await codeOf(startEtcdCluster())).toBe("ERR_ETCD_MISSING");
    } finally {
      process.env.PATH = saved;
    }
    expect(await codeOf(startEtcdCluster({ members: 1, etcdPath: "/nonexistent/etcd", startTimeoutMs: 5000 }))).toBe("ERR_ETCD_START");
  });
});

describe("bad input gets ERR_ETCD_INPUT", () => {
  it("startEtcdCluster options", async () => {
    for (const o of [
      { members: 0 },
      { members: 8 },
      { members: 2.5 },
      { heartbeatMs: 5 },
      { heartbeatMs: 100, electionMs: 400 }, // etcd's rule: election >= 5 x heartbeat
      { startTimeoutMs: 10 },
      { extraArgs: "--x" as unknown as string[] },
    ]) {
      expect(await codeOf(startEtcdCluster(o))).toBe("ERR_ETCD_INPUT");
    }
  });

  it("runEtcdElection options (checked before anything starts)", async () => {
    const fake = { endpoints: ["http://127.0.0.1:1"], kill: async () => {}, stopped: false } as unknown as EtcdCluster;
    expect(await codeOf(runEtcdElection({ cluster: undefined as unknown as EtcdCluster, scenario: "kill-holder" }))).toBe("ERR_ETCD_INPUT");
    expect(await codeOf(runEtcdElection({ cluster: { ...fake, stopped: true } as EtcdCluster, scenario: "kill-holder" }))).toBe("ERR_ETCD_INPUT");
    expect(await codeOf(runEtcdElection({ cluster: fake, scenario: "kill-everyone" as "kill-holder" }))).toBe("ERR_ETCD_INPUT");
    expect(await codeOf(runEtcdElection({ cluster: fake, scenario: "kill-holder", candidates: ["web-1"] }))).toBe("ERR_ETCD_INPUT");
    expect(await codeOf(runEtcdElection({ cluster: fake, scenario: "kill-holder", candidates: ["a", "a"] }))).toBe("ERR_ETCD_INPUT");
    expect(await codeOf(runEtcdElection({ cluster: fake, scenario: "kill-holder", candidates: ["a b", "c"] }))).toBe("ERR_ETCD_INPUT");
    expect(await codeOf(runEtcdElection({ cluster: fake, scenario: "kill-holder", ttlSeconds: 0 }))).toBe("ERR_ETCD_INPUT");
    expect(await codeOf(runEtcdElection({ cluster: fake, scenario: "kill-holder", ttlSeconds: 1.5 }))).toBe("ERR_ETCD_INPUT");
    expect(await codeOf(runEtcdElection({ cluster: fake, scenario: "pause-holder", pauseMs: -1 }))).toBe("ERR_ETCD_INPUT");
    expect(await codeOf(runEtcdElection({ cluster: fake, scenario: "kill-leader", electionName: "a/b" }))).toBe("ERR_ETCD_INPUT");
  });

  it("spawnCandidate, etcdTakeoverExperiment, summarizeTakeovers, freePorts", async () => {
    const ep = ["http://127.0.0.1:1"];
    expect(await codeOf(spawnCandidate({ name: "", endpoints: ep }))).toBe("ERR_ETCD_INPUT");
    expect(await codeOf(spawnCandidate({ name: "w", endpoints: [] }))).toBe("ERR_ETCD_INPUT");
    expect(await codeOf(spawnCandidate({ name: "w", endpoints: ["127.0.0.1:1,x"] }))).toBe("ERR_ETCD_INPUT");
    expect(await codeOf(spawnCandidate({ name: "w", endpoints: ep, ttlSeconds: 0 }))).toBe("ERR_ETCD_INPUT");
    expect(await codeOf(spawnCandidate({ name: "w", endpoints: ep, tokenKey: "k", writerKey: "k" }))).toBe("ERR_ETCD_INPUT");
    expect(await codeOf(etcdTakeoverExperiment({ runs: 0 }))).toBe("ERR_ETCD_INPUT");
    expect(await codeOf(etcdTakeoverExperiment({ ttlSeconds: 0 }))).toBe("ERR_ETCD_INPUT");
    expect(await codeOf(etcdTakeoverExperiment({ scenarios: [] }))).toBe("ERR_ETCD_INPUT");
    expect(await codeOf(etcdTakeoverExperiment({ scenarios: ["nope" as "kill-holder"] }))).toBe("ERR_ETCD_INPUT");
    expect(await codeOf(() => summarizeTakeovers("x" as unknown as []))).toBe("ERR_ETCD_INPUT");
    expect(await codeOf(freePorts(0))).toBe("ERR_ETCD_INPUT");
  });
});

describe("summarizeTakeovers", () => {
  it("gives min, median and max per scenario, leaving out runs without a takeover", () => {
    const s = summarizeTakeovers([
      { scenario: "pause-holder", takeoverMs: 4100 },
      { scenario: "kill-holder", takeoverMs: 4700 },
      { scenario: "kill-holder", takeoverMs: 4300 },
      { scenario: "kill-holder", takeoverMs: null },
      { scenario: "kill-holder", takeoverMs: 4500 },
      { scenario: "pause-holder", takeoverMs: 4900 },
    ]);
    expect(s).toEqual([
      { scenario: "kill-holder", runs: 4, tookOver: 3, minMs: 4300, medianMs: 4500, maxMs: 4700 },
      { scenario: "pause-holder", runs: 2, tookOver: 2, minMs: 4100, medianMs: 4500, maxMs: 4900 },
    ]);
    expect(summarizeTakeovers([{ scenario: "kill-leader", takeoverMs: null }])).toEqual([
      { scenario: "kill-leader", runs: 1, tookOver: 0, minMs: null, medianMs: null, maxMs: null },
    ]);
  });
});

describe("freePorts", () => {
  it("gives distinct ports that can be listened on", async () => {
    const ports = await freePorts(6);
    expect(new Set(ports).size).toBe(6);
    expect(ports.every((p) => Number.isInteger(p) && p > 0 && p < 65536)).toBe(true);
  });
});

describe("the reaper", () => {
  it("SIGKILLs the tracked processes and removes the tracked directories when its stdin closes", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "reaper-test-"));
    const victim = spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"], { stdio: "ignore" });
    const reaper = spawn(process.execPath, ["-e", REAPER_SOURCE], { stdio: ["pipe", "pipe", "ignore"] });
    try {
      await new Promise<void>((resolve) => reaper.stdout!.once("data", () => resolve()));
      const victimExit = new Promise<NodeJS.Signals | null>((resolve) => victim.once("exit", (_c, s) => resolve(s)));
      const reaperExit = new Promise<number | null>((resolve) => reaper.once("exit", (c) => resolve(c)));
      reaper.stdin!.write(`+p ${victim.pid}\n+d ${dir}\n`);
      // SIGTERM is ignored: the reaper must outlive a Ctrl+C or a polite kill to do its job.
      process.kill(reaper.pid!, "SIGTERM");
      await new Promise((r) => setTimeout(r, 200));
      expect(alive(reaper.pid!)).toBe(true);
      expect(alive(victim.pid!)).toBe(true);
      reaper.stdin!.end();
      expect(await victimExit).toBe("SIGKILL");
      expect(await reaperExit).toBe(0);
      expect(existsSync(dir)).toBe(false);
    } finally {
      for (const c of [victim, reaper]) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("forgets a PID after -p", async () => {
    const victim = spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"], { stdio: "ignore" });
    const reaper = spawn(process.execPath, ["-e", REAPER_SOURCE], { stdio: ["pipe", "ignore", "ignore"] });
    try {
      const reaperExit = new Promise<void>((resolve) => reaper.once("exit", () => resolve()));
      reaper.stdin!.write(`+p ${victim.pid}\n-p ${victim.pid}\n`);
      reaper.stdin!.end();
      await reaperExit;
      expect(alive(victim.pid!)).toBe(true);
    } finally {
      victim.kill("SIGKILL");
      reaper.kill("SIGKILL");
    }
  });
});
