// npm start: installs what is missing, registers the kernel and serves the notebooks with
// Jupyter Notebook on 127.0.0.1. Idempotent; a second run takes seconds.
import { spawn } from "node:child_process";
import { join } from "node:path";
import { ROOT, ensure, jupyterEnv, registerKernel } from "./setup.mjs";

try {
  ensure({ servers: true });
  registerKernel();
} catch (e) {
  console.error(`start: ${e instanceof Error ? e.message : e}`);
  process.exit(1);
}

const port = process.env.PORT ?? "8888";
const args = ["notebook", "--no-browser", "--ip=127.0.0.1", `--port=${port}`, `--notebook-dir=${join(ROOT, "notebooks")}`];
if (typeof process.getuid === "function" && process.getuid() === 0) args.push("--allow-root");
console.log(`$ jupyter ${args.join(" ")}`);
const jupyter = spawn("jupyter", args, { cwd: join(ROOT, "notebooks"), env: jupyterEnv(), stdio: ["inherit", "pipe", "pipe"] });

let shown = false;
/** @param {Buffer} chunk @param {NodeJS.WriteStream} to */
function relay(chunk, to) {
  to.write(chunk);
  const url = /http:\/\/127\.0\.0\.1:\d+\/\?token=\w+/.exec(chunk.toString());
  if (url && !shown) {
    shown = true;
    console.log(`\nNotebooks are being served at:\n\n    ${url[0]}\n\nOpen a day, then Kernel > Restart & Run All. Ctrl+C stops the server.\n`);
  }
}
jupyter.stdout.on("data", (c) => relay(c, process.stdout));
jupyter.stderr.on("data", (c) => relay(c, process.stderr));
for (const signal of /** @type {const} */ (["SIGINT", "SIGTERM"])) process.on(signal, () => jupyter.kill(signal));
jupyter.on("close", (code) => process.exit(code ?? 0));
