import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { HostError, findExecutable, freePort, freePorts, isExecutableFile } from "../../lib/host/index.js";

describe("freePorts", () => {
  it("gives distinct ports a server can then listen on", async () => {
    const ports = await freePorts(5);
    expect(new Set(ports).size).toBe(5);
    const port = await freePort();
    const srv = createServer();
    await new Promise<void>((resolve) => srv.listen(port, "127.0.0.1", () => resolve()));
    await new Promise<void>((resolve) => srv.close(() => resolve()));
  });
  it("refuses a bad count with ERR_HOST_INPUT", async () => {
    for (const n of [0, -1, 65, 1.5, NaN]) await expect(freePorts(n)).rejects.toMatchObject({ code: "ERR_HOST_INPUT" });
    await expect(freePorts(0)).rejects.toBeInstanceOf(HostError);
  });
});

describe("findExecutable", () => {
  it("tries first, then absolute PATH folders, then fallbacks; skips directories, plain files and relative folders", () => {
    const dir = mkdtempSync(join(tmpdir(), "sdn-host-"));
    try {
      const a = join(dir, "a");
      const b = join(dir, "b");
      mkdirSync(a);
      mkdirSync(b);
      mkdirSync(join(a, "prog")); // a directory named like the program
      writeFileSync(join(b, "prog"), "#!/bin/sh\n");
      expect(findExecutable("prog", { pathEnv: b })).toBeNull(); // not executable yet
      expect(isExecutableFile(join(b, "prog"))).toBe(false);
      chmodSync(join(b, "prog"), 0o755);
      expect(findExecutable("prog", { pathEnv: `${a}:relative:${b}` })).toBe(join(b, "prog"));
      expect(findExecutable("prog", { pathEnv: "", fallbackDirs: [b] })).toBe(join(b, "prog"));
      expect(findExecutable("prog", { pathEnv: "", first: [join(b, "prog")] })).toBe(join(b, "prog"));
      expect(findExecutable("prog", { pathEnv: "" })).toBeNull();
      expect(findExecutable("prog", { pathEnv: "b" })).toBeNull();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
