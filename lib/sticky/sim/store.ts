/**
 * @module sticky/sim/store
 *
 * Where the simulated servers keep their carts (session id → items). Three
 * designs, one interface, so the simulation can compare them:
 *
 * - `local`: each server's memory. A crash or scale-in loses its carts, and a
 *   user routed to another server finds no cart there.
 * - `shared`: one store every server reads (Redis, a database). No server
 *   loss loses a cart.
 * - `replicated`: each cart lives on the server that last served it and on
 *   one peer. Any server can fetch it from a surviving copy, so a single
 *   crash loses nothing; losing both copies loses it.
 */

/** The store designs a scenario can choose. */
export type StoreKind = "local" | "shared" | "replicated";

/** A session store as seen by the simulation. */
export interface SessionStore {
  /** The cart `server` sees for `sessionId` (a copy), or undefined if it has none. */
  get(server: string, sessionId: string): string[] | undefined;
  /** Writes the cart after `server` served the request; `peer` is the replication target, if any. */
  put(server: string, sessionId: string, cart: readonly string[], peer: string | undefined): void;
  /** Forgets a session everywhere (the user checked out or left). */
  delete(sessionId: string): void;
  /** The server's memory is gone (crash or removal): returns how many non-empty carts became unreachable. */
  wipe(server: string): number;
  /** How many non-empty carts the server holds in its own memory (0 for the shared store). */
  cartsOn(server: string): number;
}

/**
 * Creates an empty session store of the given design.
 *
 * @param kind - "local", "shared" or "replicated"
 * @returns the store
 * @throws never (the scenario is validated before)
 * @example
 * const s = createSessionStore("local");
 * s.put("A", "abc123", ["iPhone"], undefined);
 * s.get("A", "abc123"); // => ["iPhone"]
 * s.get("B", "abc123"); // => undefined
 */
export function createSessionStore(kind: StoreKind): SessionStore {
  if (kind === "shared") return new SharedStore();
  if (kind === "replicated") return new ReplicatedStore();
  return new LocalStore();
}

class LocalStore implements SessionStore {
  private readonly byServer = new Map<string, Map<string, string[]>>();

  private mem(server: string): Map<string, string[]> {
    let m = this.byServer.get(server);
    if (m === undefined) {
      m = new Map();
      this.byServer.set(server, m);
    }
    return m;
  }

  get(server: string, sessionId: string): string[] | undefined {
    const c = this.byServer.get(server)?.get(sessionId);
    return c === undefined ? undefined : c.slice();
  }

  put(server: string, sessionId: string, cart: readonly string[]): void {
    this.mem(server).set(sessionId, cart.slice());
  }

  delete(sessionId: string): void {
    // Copies left behind on servers the user has since moved away from go too
    // (in a real server they would linger until their idle timeout).
    for (const m of this.byServer.values()) m.delete(sessionId);
  }

  wipe(server: string): number {
    const n = this.cartsOn(server);
    this.byServer.delete(server);
    return n;
  }

  cartsOn(server: string): number {
    let n = 0;
    const m = this.byServer.get(server);
    if (m !== undefined) for (const c of m.values()) if (c.length > 0) n++;
    return n;
  }
}

class SharedStore implements SessionStore {
  private readonly carts = new Map<string, string[]>();

  get(_server: string, sessionId: string): string[] | undefined {
    const c = this.carts.get(sessionId);
    return c === undefined ? undefined : c.slice();
  }

  put(_server: string, sessionId: string, cart: readonly string[]): void {
    this.carts.set(sessionId, cart.slice());
  }

  delete(sessionId: string): void {
    this.carts.delete(sessionId);
  }

  wipe(): number {
    return 0;
  }

  cartsOn(): number {
    return 0;
  }
}

interface Replica {
  cart: string[];
  /** Servers holding a copy: the primary (last server) and at most one peer. */
  holders: string[];
}

class ReplicatedStore implements SessionStore {
  private readonly sessions = new Map<string, Replica>();

  get(_server: string, sessionId: string): string[] | undefined {
    // Any server can fetch a cart from whichever copy survives.
    const r = this.sessions.get(sessionId);
    return r === undefined ? undefined : r.cart.slice();
  }

  put(server: string, sessionId: string, cart: readonly string[], peer: string | undefined): void {
    const holders = peer === undefined || peer === server ? [server] : [server, peer];
    this.sessions.set(sessionId, { cart: cart.slice(), holders });
  }

  delete(sessionId: string): void {
    this.sessions.delete(sessionId);
  }

  wipe(server: string): number {
    let lost = 0;
    for (const [id, r] of this.sessions) {
      if (!r.holders.includes(server)) continue;
      r.holders = r.holders.filter((h) => h !== server);
      if (r.holders.length === 0) {
        this.sessions.delete(id);
        if (r.cart.length > 0) lost++;
      }
    }
    return lost;
  }

  cartsOn(server: string): number {
    let n = 0;
    for (const r of this.sessions.values()) if (r.holders[0] === server && r.cart.length > 0) n++;
    return n;
  }
}
