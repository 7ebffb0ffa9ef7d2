import { defineConfig } from "vitest/config";

// notebooks/lib is a symlink to lib/: without this include list vitest would
// find every test twice.
export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 30_000,
  },
});
