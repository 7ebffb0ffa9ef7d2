/**
 * The machine the real servers run on: finding their programs and free ports
 * on 127.0.0.1. Shared by the days that run real peers (etcd, HAProxy).
 * @module host
 * @example
 * import { findExecutable, freePort } from "./lib/host/index.js";
 * findExecutable("haproxy", { first: ["/usr/sbin/haproxy"] }); // => "/usr/sbin/haproxy" or null
 */
export { HostError, type HostErrorCode } from "./errors.js";
export { freePort, freePorts } from "./ports.js";
export { type FindExecutableOptions, findExecutable, isExecutableFile } from "./executable.js";
