/**
 * @module sticky/strategies/ip-hash
 *
 * Source-IP hash: `hash(client address) mod N`. With `prefix: 24` only the
 * first three octets count, like nginx's `ip_hash`, so a client whose address
 * changes inside its /24 (mobile carriers, proxy pools) stays put. The price:
 * every user behind one NAT address (or one /24) lands on ONE server, and,
 * being a modulo scheme, most clients move when N changes.
 */
import { StickyError } from "../errors.js";
import { fmix32 } from "../hash.js";
import { type Balancer, type RouteInput, checkKey, checkServers, noServer } from "./balancer.js";

/** Options for {@link createIpHash}. */
export interface IpHashOptions {
  /** How many leading bits of the IPv4 address are hashed: 32 (default) or 24 (nginx ip_hash). */
  prefix?: 32 | 24;
}

/**
 * Parses a dotted-quad IPv4 address without allocating.
 * Strict: four decimal octets 0..255, no leading zeros (so "010" is not
 * silently read as 8 or 10), no spaces, no IPv6.
 *
 * @param ip - the address text
 * @returns the address as an unsigned 32-bit integer, or -1 if it is not valid
 * @throws never
 * @example
 * parseIpv4("10.0.0.1");  // => 167772161
 * parseIpv4("10.0.0.256"); // => -1
 */
export function parseIpv4(ip: string): number {
  if (typeof ip !== "string") return -1;
  const len = ip.length;
  if (len < 7 || len > 15) return -1;
  let value = 0;
  let octet = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < len; i++) {
    const c = ip.charCodeAt(i);
    if (c === 46 /* . */) {
      if (digits === 0 || dots === 3) return -1;
      value = value * 256 + octet;
      dots++;
      octet = 0;
      digits = 0;
    } else if (c >= 48 && c <= 57) {
      if (digits > 0 && octet === 0) return -1; // leading zero
      octet = octet * 10 + (c - 48);
      digits++;
      if (octet > 255) return -1;
    } else {
      return -1;
    }
  }
  if (dots !== 3 || digits === 0) return -1;
  return value * 256 + octet;
}

/**
 * An IP-hash balancer: the key must be an IPv4 address.
 *
 * @param servers - distinct non-empty server ids (may be empty: pick then throws)
 * @param options - `prefix` 32 (whole address, default) or 24 (first three octets)
 * @returns the balancer
 * @throws StickyError ERR_STICKY_INPUT on a bad server list or prefix; its `pick`
 *   throws ERR_STICKY_INPUT on a key that is not an IPv4 address
 * @example
 * const b = createIpHash(["a", "b", "c"], { prefix: 24 });
 * b.pick({ key: "203.0.113.7" }) === b.pick({ key: "203.0.113.200" }); // => true
 */
export function createIpHash(servers: readonly string[], options: IpHashOptions = {}): Balancer {
  const prefix = options.prefix === undefined ? 32 : options.prefix;
  if (prefix !== 32 && prefix !== 24) {
    throw new StickyError("ERR_STICKY_INPUT", `ip-hash prefix must be 32 or 24, got ${String(prefix)}`);
  }
  return new IpHashBalancer(checkServers(servers), prefix);
}

class IpHashBalancer implements Balancer {
  readonly kind = "ip-hash" as const;
  /** Bits kept from the address: a /24 drops the last octet. */
  private readonly shift: number;

  constructor(readonly servers: readonly string[], readonly prefix: 32 | 24) {
    this.shift = 32 - prefix;
  }

  pick(input: RouteInput): string {
    const key = checkKey(input);
    const addr = parseIpv4(key);
    if (addr < 0) throw new StickyError("ERR_STICKY_INPUT", `ip-hash key must be an IPv4 address, got ${JSON.stringify(key)}`);
    const n = this.servers.length;
    if (n === 0) throw noServer(this.kind);
    // Packed address, truncated to the prefix, mixed so that neighbouring
    // addresses do not land on neighbouring servers.
    const h = fmix32(Math.floor(addr / 2 ** this.shift));
    return this.servers[h % n];
  }
}
