// Kernel launcher for the project's notebooks.
// Jupyter starts the kernel with the notebook's folder as the working directory; walk up from
// there to the project's node_modules/tslab, so nothing is installed globally and no absolute
// path is written into the kernelspec.
"use strict";
const fs = require("node:fs");
const path = require("node:path");

let root = process.cwd();
while (!fs.existsSync(path.join(root, "node_modules", "tslab", "dist", "main.js"))) {
  const up = path.dirname(root);
  if (up === root) {
    console.error(
      "tslab kernel: no node_modules/tslab above " + process.cwd() + ". Run `npm start` (or `npm ci`) in the project first.",
    );
    process.exit(1);
  }
  root = up;
}
require(path.join(root, "node_modules", "tslab", "dist", "main.js")).startKernel({
  configPath: process.argv[2],
  enableFindLocal: false,
});
