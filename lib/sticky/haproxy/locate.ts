/**
 * @module sticky/haproxy/locate
 *
 * Finding the `haproxy` binary (Debian's package installs `/usr/sbin/haproxy`,
 * which is not on every user's PATH) and its version, and the one message
 * every caller shows when it is missing.
 */
import { execFileSync } from "node:child_process";
import { findExecutable } from "../../host/index.js";

/**
 * Where Debian and Ubuntu's `haproxy` package puts the binary.
 * @example
 * haproxyAvailable(process.env.PATH, [DEBIAN_HAPROXY_PATH]); // the default search
 */
export const DEBIAN_HAPROXY_PATH = "/usr/sbin/haproxy";

/**
 * What to print when HAProxy is not installed, so a skipped test or
 * notebook section says how to get it.
 *
 * @example
 * describe.skipIf(haproxyAvailable() === null)("HAProxy", () => { ... });
 * if (haproxyAvailable() === null) console.log(HAPROXY_SKIP_MESSAGE);
 */
export const HAPROXY_SKIP_MESSAGE =
  "HAProxy side by side skipped: haproxy is not installed. Install it with " +
  "`sudo apt-get install -y haproxy` (Debian/Ubuntu; `npm start` and `npm test` do it when run as root), " +
  "or put a haproxy binary on PATH.";

/**
 * Finds the haproxy binary: `/usr/sbin/haproxy` first, then each directory of PATH.
 *
 * @param pathEnv - the PATH to search (default `process.env.PATH`)
 * @param first - absolute paths tried before PATH (default `[DEBIAN_HAPROXY_PATH]`)
 * @returns the absolute path of an executable `haproxy`, or null if there is none
 * @throws never
 * @example
 * haproxyAvailable(); // => "/usr/sbin/haproxy" on Debian with the package, else null
 */
export function haproxyAvailable(
  pathEnv: string | undefined = process.env.PATH,
  first: readonly string[] = [DEBIAN_HAPROXY_PATH],
): string | null {
  return findExecutable("haproxy", { first: first, pathEnv: pathEnv });
}

/**
 * The version HAProxy reports (`haproxy -v`), e.g. "2.6.12-1+deb12u4".
 *
 * @param path - the binary (default: {@link haproxyAvailable}'s answer)
 * @returns the version string, or null if there is no binary or it does not answer
 * @throws never
 * @example
 * haproxyVersion(); // => "2.6.12-1+deb12u4"
 */
export function haproxyVersion(path: string | null = haproxyAvailable()): string | null {
  if (path === null) return null;
  try {
    const out = execFileSync(path, ["-v"], { encoding: "utf8", timeout: 5000, stdio: ["ignore", "pipe", "pipe"] });
    const m = /version\s+(\S+)/i.exec(out);
    return m ? m[1] : null;
  } catch {
    return null;
  }
}
