/**
 * @module sticky/proxy
 *
 * The real thing behind Day 6: cart backends on 127.0.0.1 (in this process
 * or as child processes killable by PID), a sticky reverse proxy on
 * node:http with a signed affinity cookie, health checks, redispatch and
 * drain, a cluster helper that starts them together, and a small client with
 * a cookie jar.
 */
export {
  type BackendHandle,
  type BackendOptions,
  CHILD_BACKEND_SOURCE,
  createCartHandler,
  spawnBackend,
  startBackend,
} from "./backend.js";
export {
  type AdminState,
  type HealthCheckOptions,
  type IssueReason,
  type ProxyEvent,
  type ProxyStats,
  type ProxyTarget,
  type StickyProxy,
  type StickyProxyOptions,
  type TargetStatus,
  startStickyProxy,
} from "./proxy.js";
export { type Cluster, type ClusterOptions, startCluster } from "./cluster.js";
export { type ClientOptions, type ClientResponse, type StickyClient, applySetCookie, createClient } from "./client.js";
