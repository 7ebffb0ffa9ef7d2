/**
 * @module chubby/app
 *
 * The paper's example application (§2.6): a web server that wants to be the
 * primary. It opens the lock file, blocks in Acquire, and when granted gets
 * a sequencer, writes its name into the file and then, every second, makes a
 * write to a resource server carrying the sequencer. Between deciding to
 * write (it holds the lock and its lease is valid) and sending the write it
 * "thinks" for a while: a process pause there is how a late write from a
 * deposed holder happens. Non-leaders read the file to learn the leader.
 */
import type { ChubbyClient } from "./client.js";
import type { ChubbyError } from "./cell/errors.js";
import type { AppOptions } from "./scenario.js";

/**
 * The settings one web server needs.
 * @example
 * const c: WebServerConfig = { lockPath: "/ls/cell/web/leader", lockDelayMs: 10000, app, resourceId: "fs" };
 */
export interface WebServerConfig {
  readonly lockPath: string;
  readonly lockDelayMs: number;
  readonly app: AppOptions;
  /** The resource server's node id. */
  readonly resourceId: string;
  /** Sends a fenced write (the simulation routes it). */
  readonly sendWrite: (from: string, sequencer: string, value: string) => void;
}

/**
 * A web server on a client node.
 * @example
 * const ws = new WebServer(client, "web-1", config); ws.start();
 */
export class WebServer {
  /** True while it believes it is the primary. */
  leader = false;
  /** The leader's name as last read from the file. */
  learned: string | null = null;
  /** The sequencer of its current grant. */
  sequencer: string | null = null;
  /** Fenced writes sent. */
  writesSent = 0;

  private gen = 0;
  private handle = -1;

  constructor(
    readonly client: ChubbyClient,
    readonly name: string,
    private readonly cfg: WebServerConfig,
  ) {
    client.onEvent((e) => {
      if (e.kind === "expired") {
        this.gen++;
        this.leader = false;
        const g = this.gen;
        this.client.timer(1000, "a", () => {
          if (g === this.gen) this.start();
        });
      } else if (e.kind === "lockLost" && e.handle === this.handle) {
        this.leader = false;
        this.acquire(this.gen);
      }
    });
    client.whenRestarted(() => {
      this.gen++;
      this.leader = false;
      this.start();
    });
  }

  /** Starts (or restarts) from scratch: a new session, open, Acquire. */
  start(): void {
    const g = ++this.gen;
    this.leader = false;
    this.handle = -1;
    this.sequencer = null;
    this.client.startSession((e) => {
      if (g !== this.gen) return;
      if (e !== null) return;
      this.open(g, true);
    });
  }

  private later(g: number, fn: () => void): void {
    this.client.timer(1000, "a", () => {
      if (g === this.gen) fn();
    });
  }

  private open(g: number, loops: boolean): void {
    this.client.open(this.cfg.lockPath, { mode: "write", events: ["lockAcquired", "contentsModified"] }, (e, r) => {
      if (g !== this.gen) return;
      if (e !== null || r === undefined) {
        if (this.client.status === "ok" || this.client.status === "jeopardy") this.later(g, () => this.open(g, loops));
        return;
      }
      this.handle = r.handle;
      this.acquire(g);
      if (loops) this.readLoop(g);
    });
  }

  private acquire(g: number): void {
    const handle = this.handle;
    this.client.acquire(handle, { lockDelayMs: this.cfg.lockDelayMs }, (e, r) => {
      if (g !== this.gen || handle !== this.handle) return;
      if (e !== null || r === undefined) {
        if (e !== null && e.code === "ERR_CHUBBY_SESSION_EXPIRED") return;
        // Unknown outcome, stale handle, old epoch...: start the wait afresh on a new handle.
        this.later(g, () => {
          this.client.close(handle, () => {});
          this.open(g, false);
        });
        return;
      }
      this.granted(g, handle);
    });
  }

  private granted(g: number, handle: number): void {
    this.client.getSequencer(handle, (e, r) => {
      if (g !== this.gen || handle !== this.handle) return;
      if (e !== null || r === undefined) {
        if (this.client.holds(handle)) this.later(g, () => this.granted(g, handle));
        return;
      }
      this.sequencer = r.sequencer;
      this.leader = true;
      this.client.setContents(handle, this.name, {}, () => {});
      this.writeLoop(g, r.sequencer);
    });
  }

  /** Whether it may act as the primary now: it holds the lock and its session is in good standing. */
  isLeader(): boolean {
    return this.leader && this.client.holds(this.handle);
  }

  private writeLoop(g: number, sequencer: string): void {
    this.client.timer(this.cfg.app.writeEveryMs, "a", () => {
      if (g !== this.gen || this.sequencer !== sequencer) return;
      if (this.isLeader()) {
        // Decided: it holds the lock. Now it works, and only then writes (no second check).
        this.client.timer(this.cfg.app.thinkMs, "a", () => {
          if (g !== this.gen) return;
          this.writesSent++;
          this.cfg.sendWrite(this.client.id, sequencer, `${this.name}#${this.writesSent}`);
        });
      }
      if (this.leader) this.writeLoop(g, sequencer);
    });
  }

  /** The read loop's callback, one for all reads. */
  private readonly onRead = (e: ChubbyError | null, r?: { contents: string }): void => {
    if (e === null && r !== undefined) this.learned = r.contents;
  };

  private readLoop(g: number): void {
    const every = this.cfg.app.readEveryMs;
    if (every <= 0) return;
    // One tick function per loop (not one closure per read): it sets its own next timer.
    const tick = (): void => {
      if (g !== this.gen) return;
      if (!this.leader && this.client.status === "ok" && this.handle >= 0) {
        this.client.getContentsAndStat(this.handle, this.onRead);
      }
      this.client.timer(every, "a", tick);
    };
    this.client.timer(every, "a", tick);
  }
}
