import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ETCD_MISSING_MESSAGE,
  type EtcdCluster,
  EtcdLabError,
  createEtcdClient,
  etcdAvailable,
  etcdTakeoverExperiment,
  parseFenceValue,
  runEtcdElection,
  summarizeTakeovers,
  trackedProcesses,
} from "../../../lib/chubby/etcd/index.js";
import { startEtcdCluster } from "../../../lib/chubby/etcd/index.js";

const TTL = 5;

function alive(pid: number | undefined): boolean {
  if (pid === undefined) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function eventually(check: () => boolean, timeoutMs: number): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return check();
}

const etcdPath = etcdAvailable();

describe.skipIf(etcdPath === null)(`a real etcd cluster${etcdPath === null ? ` (skipped: ${ETCD_MISSING_MESSAGE})` : ""}`, () => {
  describe("lifecycle", () => {
    it("starts 3 members with one leader, restarts a killed one, and stop() leaves no process or directory", async () => {
      const t0 = performance.now();
      const c = await startEtcdCluster({ members: 3, heartbeatMs: 100, electionMs: 1000 });
      const startMs = performance.now() - t0;
      let stopped = false;
      try {
        const pids = c.members.map((m) => m.pid!);
        expect(new Set(pids).size).toBe(3);
        expect(pids.every(alive)).toBe(true);
        expect(c.endpoints).toEqual(c.members.map((m) => m.clientUrl));
        expect(c.endpoints.every((u) => u.startsWith("http://127.0.0.1:"))).toBe(true);
        const leader = await c.leader();
        expect(["e1", "e2", "e3"]).toContain(leader);
        const st = await c.status();
        expect(st.map((s) => s.name).sort()).toEqual(["e1", "e2", "e3"]);
        expect(st.every((s) => s.leader === leader)).toBe(true);

        // Kill a follower: the leader stays; restart it from its data directory.
        const follower = c.members.find((m) => m.name !== leader)!;
        const oldPid = follower.pid!;
        await c.kill(follower.name);
        expect(alive(oldPid)).toBe(false);
        expect(follower.running).toBe(false);
        expect(await c.waitForLeader()).toBe(leader);
        await expect(c.kill(follower.name)).rejects.toThrow(/not running/);
        await c.restart(follower.name);
        expect(follower.pid).not.toBe(oldPid);
        expect(alive(follower.pid)).toBe(true);
        expect((await c.status()).length).toBe(3);
        await expect(c.restart(follower.name)).rejects.toThrow(/still running/);

        const all = c.members.map((m) => m.pid!);
        const dirs = c.members.map((m) => m.dataDir);
        await c.stop();
        stopped = true;
        for (const p of all) expect(alive(p)).toBe(false);
        for (const d of dirs) expect(existsSync(d)).toBe(false);
        expect(existsSync(path.dirname(dirs[0]))).toBe(false);
        expect(trackedProcesses().pids).toEqual([]);
        expect(trackedProcesses().dirs).toEqual([]);
        await c.stop(); // idempotent
        expect(c.stopped).toBe(true);
        await expect(c.leader()).rejects.toThrow(EtcdLabError);
        console.log(`[measured] 3-member etcd cluster up with a leader in ${startMs.toFixed(0)} ms`);
      } finally {
        if (!stopped) await c.stop();
      }
    });

    it("a member that cannot start gives ERR_ETCD_START with its stderr tail, and nothing is left", async () => {
      let err: unknown;
      try {
        await startEtcdCluster({ members: 1, extraArgs: ["--no-such-flag"] });
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(EtcdLabError);
      expect((err as EtcdLabError).code).toBe("ERR_ETCD_START");
      expect((err as EtcdLabError).stderrTail).toMatch(/no-such-flag/);
      expect((err as EtcdLabError).message).toMatch(/e1 exited with code/);
      expect(trackedProcesses().pids).toEqual([]);
      expect(trackedProcesses().dirs).toEqual([]);
    });

    it("when the process that started them is SIGKILLed, its etcd members and candidates die too", async () => {
      const fixture = fileURLToPath(new URL("./fixtures/orphan.ts", import.meta.url));
      const child = spawn(process.execPath, ["--import", "tsx", fixture], { stdio: ["ignore", "pipe", "pipe"] });
      let out = "";
      let err = "";
      child.stderr!.on("data", (d) => (err += d));
      const info = await new Promise<{ pids: number[]; dirs: string[] }>((resolve, reject) => {
        child.stdout!.on("data", (d) => {
          out += d;
          const nl = out.indexOf("\n");
          if (nl >= 0) resolve(JSON.parse(out.slice(0, nl)));
        });
        child.once("exit", () => reject(new Error(`fixture exited early: ${err}`)));
      });
      try {
        expect(info.pids.length).toBe(2);
        expect(info.pids.every(alive)).toBe(true);
        child.kill("SIGKILL");
        expect(await eventually(() => !info.pids.some(alive), 10_000)).toBe(true);
        expect(await eventually(() => !info.dirs.some((d) => existsSync(d)), 5000)).toBe(true);
      } finally {
        child.kill("SIGKILL");
        for (const p of info.pids) if (alive(p)) process.kill(p, "SIGKILL");
      }
    });
  });

  describe("the web-server election, with faults injected by PID", () => {
    let cluster: EtcdCluster;
    beforeAll(async () => {
      cluster = await startEtcdCluster({ members: 3, heartbeatMs: 100, electionMs: 1000 });
    }, 30_000);
    afterAll(async () => {
      await cluster?.stop();
    });

    it("kill-leader: a new Raft leader, the lock holder keeps its lock and resumes fenced writes", async () => {
      const r = await runEtcdElection({ cluster, scenario: "kill-leader", ttlSeconds: TTL });
      console.log(
        `[measured] kill-leader: new Raft leader after ${r.raftLeaderChangeMs} ms, ` +
          `holder's fenced writes accepted again after ${r.takeoverMs} ms (${r.writes.errors} writes failed meanwhile)`,
      );
      expect(r.killedMember).not.toBeNull();
      expect(r.newRaftLeader).not.toBeNull();
      expect(r.newRaftLeader).not.toBe(r.killedMember);
      expect(r.raftLeaderChangeMs).toBeGreaterThan(0);
      expect(r.electedOrder).toEqual(["web-1"]);
      expect(r.holderBefore).toBe("web-1");
      expect(r.holderKeptLock).toBe(true);
      expect(r.holderAfter).toBe(r.holderBefore);
      expect(r.tokenAfter).toBe(r.tokenBefore);
      expect(r.takeoverMs).not.toBeNull();
      expect(r.takeoverMs!).toBeLessThan(3 * TTL * 1000);
      expect(r.events.some((e) => e.kind === "write-ok" && e.who === "web-1" && e.sentMs! >= 0)).toBe(true);
      // The candidates were stopped by PID; the killed member was restarted and rejoined.
      for (const pid of Object.values(r.candidatePids)) expect(alive(pid)).toBe(false);
      expect(cluster.members.every((m) => m.running && alive(m.pid))).toBe(true);
      expect((await cluster.status()).length).toBe(3);
    }, 60_000);

    it("kill-holder: the next candidate in FIFO order takes over with a larger token, within 3 x TTL", async () => {
      const r = await runEtcdElection({ cluster, scenario: "kill-holder", ttlSeconds: TTL });
      console.log(`[measured] kill-holder (TTL ${TTL} s): ${r.holderAfter} took over after ${r.takeoverMs} ms`);
      expect(r.electedOrder.slice(0, 2)).toEqual(["web-1", "web-2"]);
      expect(r.holderBefore).toBe("web-1");
      expect(r.holderAfter).toBe("web-2");
      expect(r.holderKeptLock).toBe(false);
      expect(r.tokenAfter!).toBeGreaterThan(r.tokenBefore);
      expect(r.takeoverMs).not.toBeNull();
      expect(r.takeoverMs!).toBeLessThan(3 * TTL * 1000);
      // The lease is honoured: the last KeepAlive was at most TTL/3 before the kill,
      // so the lock cannot be re-granted before about 2/3 of the TTL.
      expect(r.takeoverMs!).toBeGreaterThan((TTL * 1000) / 2);
      // The dead holder wrote nothing after its death; the fence only ever grew.
      expect(r.events.some((e) => e.who === "web-1" && e.kind.startsWith("write") && e.sentMs! > 0)).toBe(false);
      const admin = createEtcdClient(cluster.endpoints);
      try {
        expect(parseFenceValue((await admin.get("/resource/token").string())!)).toBe(r.tokenAfter);
        expect(await admin.get("/resource/writer").string()).toBe("web-2");
      } finally {
        admin.close();
      }
      for (const pid of Object.values(r.candidatePids)) expect(alive(pid)).toBe(false);
    }, 60_000);

    it("pause-holder: the resumed old holder's write with its old token is rejected by the fence", async () => {
      const pauseMs = TTL * 1000 + 2000;
      const r = await runEtcdElection({ cluster, scenario: "pause-holder", ttlSeconds: TTL, pauseMs });
      const stale = r.events.find((e) => e.kind === "write-rejected" && e.who === r.holderBefore);
      console.log(
        `[measured] pause-holder (TTL ${TTL} s, pause ${pauseMs} ms): ${r.holderAfter} took over after ${r.takeoverMs} ms; ` +
          `stale writes after resume: ${JSON.stringify(r.staleWrites)}; ${stale?.detail ?? "none rejected"}`,
      );
      expect(r.pauseMs).toBe(pauseMs);
      expect(r.holderBefore).toBe("web-1");
      expect(r.holderAfter).toBe("web-2");
      expect(r.takeoverMs).not.toBeNull();
      expect(r.takeoverMs!).toBeLessThan(pauseMs);
      expect(r.staleWriteRejected).toBe(true);
      expect(r.staleWrites!.accepted).toBe(0);
      expect(r.staleWrites!.rejected).toBeGreaterThanOrEqual(1);
      expect(stale).toBeDefined();
      expect(stale!.token).toBe(r.tokenBefore);
      expect(stale!.sentMs!).toBeGreaterThanOrEqual(pauseMs);
      for (const pid of Object.values(r.candidatePids)) expect(alive(pid)).toBe(false);
    }, 60_000);

    it("etcdTakeoverExperiment gives one row per run and scenario on the given cluster", async () => {
      const seen: string[] = [];
      const rows = await etcdTakeoverExperiment({
        cluster,
        runs: 1,
        ttlSeconds: 2,
        scenarios: ["kill-holder"],
        onRun: (row) => seen.push(row.scenario),
      });
      console.log(`[measured] kill-holder (TTL 2 s): takeover after ${rows[0]?.takeoverMs} ms`);
      expect(seen).toEqual(["kill-holder"]);
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ scenario: "kill-holder", run: 1, ttlSeconds: 2, holderBefore: "web-1", holderAfter: "web-2" });
      expect(rows[0].takeoverMs!).toBeLessThan(3 * 2 * 1000);
      expect(summarizeTakeovers(rows)[0]).toMatchObject({ scenario: "kill-holder", runs: 1, tookOver: 1 });
      expect(cluster.stopped).toBe(false); // a given cluster is not stopped
    }, 60_000);
  });
});
