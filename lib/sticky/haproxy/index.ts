/**
 * @module sticky/haproxy
 *
 * HAProxy beside our sticky proxy: find the binary, generate its
 * configuration (`cookie SERVERID insert indirect nocache httponly`,
 * redispatch and health checks on or off, an admin socket), run it as a
 * child process on 127.0.0.1 and drive it (drain, maint, server states),
 * and run the seed's scenario plus the crash, tamper and drain cases through
 * both, as rows for a table.
 */
export { type HaproxyErrorCode, HaproxyError } from "./errors.js";
export { DEBIAN_HAPROXY_PATH, HAPROXY_SKIP_MESSAGE, haproxyAvailable, haproxyVersion } from "./locate.js";
export {
  type HaproxyConfigOptions,
  type HaproxyHealthCheck,
  type HaproxyServer,
  HAPROXY_BACKEND,
  haproxyConfig,
} from "./config.js";
export { type HaproxyServerState, adminCommand, parseServersState } from "./admin.js";
export { type HaproxyHandle, type StartHaproxyOptions, freePort, startHaproxy } from "./process.js";
export {
  type ComparedProxy,
  type CompareOptions,
  type ComparisonCase,
  type ComparisonRow,
  type CrashVariant,
  COMPARISON_CASES,
  CRASH_VARIANTS,
  compareWithHaproxy,
} from "./compare.js";
