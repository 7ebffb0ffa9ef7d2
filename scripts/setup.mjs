// Installs what the project needs and is missing: npm packages, and Debian's Jupyter (and
// Chromium, for tests). Idempotent: a second run only checks, in about a second.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

/** The project's root folder. */
export const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));

/** The project's kernelspec folder; put on JUPYTER_PATH so Jupyter finds the `tslab` kernel. */
export const KERNELS = join(ROOT, "jupyter");

/** Debian's python3 has nbclient and nbconvert; the first python3 on PATH may be another one. */
export const PYTHON = process.env.SDN_PYTHON ?? (existsSync("/usr/bin/python3") ? "/usr/bin/python3" : "python3");

const JUPYTER_DEBS = ["jupyter-notebook", "jupyter-nbconvert", "python3-nbclient"];
const BROWSER_DEBS = ["chromium"];
/** The real servers the notebooks run beside their simulations: [command, Debian package]. */
const SERVER_DEBS = [
  ["haproxy", "haproxy"],
  ["etcd", "etcd-server"],
  ["etcdctl", "etcd-client"],
];

/** An environment in which Jupyter finds the project's kernel. */
export function jupyterEnv(env = process.env) {
  const path = env.JUPYTER_PATH ? `${KERNELS}:${env.JUPYTER_PATH}` : KERNELS;
  return { ...env, JUPYTER_PATH: path, PYDEVD_DISABLE_FILE_VALIDATION: "1" };
}

/** @param {string} cmd */
function onPath(cmd) {
  return spawnSync("sh", ["-c", `command -v ${cmd}`], { stdio: "ignore" }).status === 0;
}

/** @param {string} cmd a command that may live in an sbin folder (haproxy does) */
function installed(cmd) {
  return onPath(cmd) || ["/usr/sbin", "/usr/bin", "/sbin"].some((dir) => existsSync(join(dir, cmd)));
}

function hasJupyter() {
  if (!onPath("jupyter")) return false;
  const probe = spawnSync(PYTHON, ["-c", "import nbclient, nbconvert, nbformat, notebook, jupyter_client"], { stdio: "ignore" });
  return probe.status === 0;
}

/** @param {string} file */
function mtime(file) {
  return existsSync(file) ? statSync(file).mtimeMs : 0;
}

/** True when node_modules matches package.json and package-lock.json. */
function npmUpToDate() {
  const installed = mtime(join(ROOT, "node_modules", ".package-lock.json"));
  return installed > 0 && installed >= mtime(join(ROOT, "package-lock.json")) && installed >= mtime(join(ROOT, "package.json")) &&
    existsSync(join(ROOT, "node_modules", "tslab", "dist", "main.js"));
}

/**
 * @param {string} cmd
 * @param {string[]} args
 * @param {Record<string, string | undefined>} [env]
 */
function run(cmd, args, env = process.env) {
  console.log(`$ ${cmd} ${args.join(" ")}`);
  const r = spawnSync(cmd, args, { cwd: ROOT, stdio: "inherit", env });
  if (r.status !== 0) {
    throw new Error(`${cmd} ${args.join(" ")} failed with exit code ${r.status ?? r.signal}`);
  }
}

/**
 * Makes sure everything is installed.
 * @param {{ browser?: boolean, servers?: boolean }} [options] browser: also Debian's chromium (for tests);
 *   servers: also haproxy and etcd (the real peers of days 2 and 6)
 */
export function ensure(options = {}) {
  const [major, minor] = process.versions.node.split(".").map(Number);
  if (major < 20 || (major === 20 && minor < 19)) {
    throw new Error(`Node ${process.versions.node} is too old: this project needs Node >= 20.19 (require() of ESM-only packages)`);
  }

  const debs = [];
  if (!hasJupyter()) debs.push(...JUPYTER_DEBS);
  if (options.browser && !existsSync(process.env.CHROMIUM ?? "/usr/bin/chromium")) debs.push(...BROWSER_DEBS);
  if (options.servers) for (const [cmd, deb] of SERVER_DEBS) if (!installed(cmd)) debs.push(deb);
  if (debs.length > 0) {
    const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
    if (!isRoot || !onPath("apt-get")) {
      const why = onPath("apt-get") ? "installing them needs root" : "this machine has no apt-get";
      throw new Error(
        `Missing Debian packages: ${debs.join(" ")} (${why}). Install them, then run this again:\n\n` +
          `    sudo apt-get update && sudo apt-get install -y ${debs.join(" ")}\n`,
      );
    }
    const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
    run("apt-get", ["update"], env);
    run("apt-get", ["install", "-y", ...debs], env);
  }

  if (!npmUpToDate()) {
    run("npm", [existsSync(join(ROOT, "package-lock.json")) ? "ci" : "install", "--no-audit", "--no-fund"]);
  }
}

/** Registers the project's kernelspec for the current user (what the Notebook UI lists). */
export function registerKernel() {
  const code =
    "import sys\nfrom jupyter_client.kernelspec import KernelSpecManager\n" +
    "print(KernelSpecManager().install_kernel_spec(sys.argv[1], 'tslab', user=True))";
  const dir = execFileSync(PYTHON, ["-W", "ignore", "-c", code, join(KERNELS, "kernels", "tslab")], { encoding: "utf8" }).trim();
  console.log(`kernel "tslab" registered in ${dir}`);
}

// CLI: node scripts/setup.mjs [--browser] [--servers] [--kernel]
if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  try {
    ensure({ browser: process.argv.includes("--browser"), servers: process.argv.includes("--servers") });
    console.log("setup: everything is installed");
    if (process.argv.includes("--kernel")) registerKernel();
  } catch (e) {
    console.error(`setup: ${/** @type {Error} */ (e).message}`);
    process.exit(1);
  }
}
