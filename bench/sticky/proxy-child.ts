/**
 * Our sticky proxy in its own process, for the throughput benchmark (so it
 * never shares an event loop with the load generator, as HAProxy does not):
 *   STICKY_BACKENDS='[{"id":"A","port":41001}]' node --import tsx bench/sticky/proxy-child.ts
 * Prints "LISTENING <port>" once ready; exits when its stdin closes or on SIGTERM.
 */
import { startStickyProxy } from "../../lib/sticky/index.js";

const backends = JSON.parse(process.env.STICKY_BACKENDS ?? "[]") as Array<{ id: string; port: number }>;
const proxy = await startStickyProxy({
  backends,
  redispatch: true,
  healthCheck: { intervalMs: 300, fall: 2, rise: 2 }, // as HAProxy's `check inter 300 fall 2 rise 2`
});
process.stdout.write(`LISTENING ${proxy.port}\n`);
const stop = (): void => {
  void proxy.stop().then(() => process.exit(0));
};
process.stdin.on("end", stop);
process.stdin.on("close", stop);
process.stdin.resume();
process.on("SIGTERM", stop);
