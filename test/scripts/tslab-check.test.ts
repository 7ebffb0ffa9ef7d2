// Every concept's public face (lib/<concept>/index.ts, what notebooks import) must compile the way
// the tslab kernel compiles it: tslab's TypeScript with its options (no DOM types, not strict).
import { createRequire } from "node:module";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const require = createRequire(import.meta.url);
const root = join(import.meta.dirname, "..", "..");
const { tslabDiagnostics } = require(join(root, "scripts", "tslab-check.cjs")) as { tslabDiagnostics(files: string[]): string[] };

const faces = readdirSync(join(root, "lib"), { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(join(root, "lib", d.name, "index.ts")))
  .map((d) => `lib/${d.name}/index.ts`);

describe("public faces compile in the tslab kernel", () => {
  it("finds the concepts", () => {
    expect(faces).toEqual(expect.arrayContaining(["lib/delta/index.ts", "lib/sticky/index.ts", "lib/oidc/index.ts"]));
  });
  it.each(faces)("%s", (face) => {
    expect(tslabDiagnostics([join(root, face)])).toEqual([]);
  }, 120_000);
  it("catches what the project's stricter tsconfig allows but tslab does not (DOM types)", () => {
    const d = tslabDiagnostics([join(root, "test", "fixtures", "tslab", "dom-type.ts")]);
    expect(d.join("\n")).toMatch(/Cannot find name 'BodyInit'/);
  });
});
