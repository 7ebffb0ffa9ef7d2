// Type-checks files the way the tslab kernel compiles notebook imports: tslab's own TypeScript
// (@tslab/typescript-for-tslab) and tslab's own compiler options (node_modules/tslab/dist/converter.js:
// lib es2022 only, no DOM types, not strict, Node10 resolution). The project's tsconfig is stricter
// and has the DOM types, so code can pass `npm run typecheck` and still fail in a notebook.
//   node scripts/tslab-check.cjs lib/oidc/index.ts [more files]   (exit 1 and the errors on failure)
const path = require("path");
const root = path.resolve(__dirname, "..");
const ts = require(path.join(root, "node_modules/@tslab/typescript-for-tslab"));

/**
 * @param {string[]} files
 * @returns {string[]} one line per diagnostic
 */
function tslabDiagnostics(files) {
  const program = ts.createProgram(files, {
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Node10,
    esModuleInterop: true,
    target: ts.ScriptTarget.ES2022,
    lib: ["lib.es2022.d.ts"],
    declaration: true,
    experimentalDecorators: true,
    resolveJsonModule: true,
    allowJs: true,
    checkJs: true,
    skipLibCheck: true,
    noEmit: true,
    typeRoots: [path.join(root, "node_modules/@types")],
  });
  return ts.getPreEmitDiagnostics(program).map((/** @type {any} */ d) => {
    const msg = ts.flattenDiagnosticMessageText(d.messageText, "\n");
    if (!d.file) return msg;
    const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
    return `${path.relative(root, d.file.fileName)}:${line + 1}:${character + 1} ${msg}`;
  });
}

module.exports = { tslabDiagnostics, tslabVersion: ts.version };

if (require.main === module) {
  const lines = tslabDiagnostics(process.argv.slice(2));
  for (const l of lines) console.log(l);
  console.log(lines.length ? `${lines.length} errors (tslab TypeScript ${ts.version}, tslab's options)` : `ok (tslab TypeScript ${ts.version}, tslab's options)`);
  process.exit(lines.length ? 1 : 0);
}
