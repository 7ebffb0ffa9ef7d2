import { describe, expect, it } from "vitest";
import { createFencedResource, getSequencer } from "../../../lib/chubby/cell/index.js";
import { cellWith, ok, openW, throwsCode } from "./helpers.js";

const L = "/ls/local/leader";

describe("fenced resource, token mode", () => {
  it("accepts increasing tokens and rejects a stale one with STALE_SEQUENCER, keeping the value", () => {
    const fs = createFencedResource({ name: "gfs" });
    expect(fs.tryWrite({ sequencerOrToken: 5, value: "a", at: 0 }).accepted).toBe(true);
    expect(fs.tryWrite({ sequencerOrToken: 9, value: "b", at: 1 }).accepted).toBe(true);
    const stale = fs.tryWrite({ sequencerOrToken: 5, value: "late", at: 2 });
    expect(stale).toMatchObject({ accepted: false, code: "ERR_CHUBBY_STALE_SEQUENCER", generation: 5, highestBefore: 9 });
    expect(fs.value()).toBe("b");
    expect(fs.highest()).toBe(9);
    expect(fs.counts()).toEqual({ accepted: 2, rejected: 1 });
    expect(fs.history().map((r) => r.accepted)).toEqual([true, true, false]);
  });

  it("write() throws the typed error on rejection", () => {
    const fs = createFencedResource();
    fs.write({ sequencerOrToken: 3, value: "a", at: 0 });
    throwsCode(() => fs.write({ sequencerOrToken: 2, value: "b", at: 1 }), "ERR_CHUBBY_STALE_SEQUENCER");
    throwsCode(() => fs.write({ sequencerOrToken: "nonsense", value: "b", at: 1 }), "ERR_CHUBBY_BAD_SEQUENCER");
    throwsCode(() => fs.write({ sequencerOrToken: 3, value: 4 as unknown as string, at: 1 }), "ERR_CHUBBY_BAD_COMMAND");
  });

  it("an equal generation is accepted from the same holder and rejected from a different one", () => {
    const fs = createFencedResource();
    expect(fs.tryWrite({ sequencerOrToken: 4, value: "a1", at: 0, holder: "A" }).accepted).toBe(true);
    expect(fs.tryWrite({ sequencerOrToken: 4, value: "a2", at: 1, holder: "A" }).accepted).toBe(true);
    expect(fs.tryWrite({ sequencerOrToken: 4, value: "b", at: 2, holder: "B" }).accepted).toBe(false);
    expect(fs.value()).toBe("a2");
  });

  it("keeps the highest generation per lock", () => {
    const fs = createFencedResource();
    fs.write({ sequencerOrToken: 10, lock: "x", value: "x", at: 0 });
    expect(fs.tryWrite({ sequencerOrToken: 2, lock: "y", value: "y", at: 1 }).accepted).toBe(true);
    expect(fs.highest("x")).toBe(10);
    expect(fs.highest("y")).toBe(2);
  });

  it("the paused holder's late write is rejected after a new holder wrote with its sequencer", () => {
    const st = cellWith(["web-1", "web-2"]);
    const h1 = openW(st, "s1", L);
    const h2 = openW(st, "s2", L);
    ok(st, { type: "acquire", at: 0, session: "s1", handle: h1, lockDelayMs: 10_000 });
    const seq1 = getSequencer(st, "s1", h1);
    const fs = createFencedResource();
    fs.write({ sequencerOrToken: seq1, value: "web-1 was here", at: 1 });
    ok(st, { type: "acquire", at: 2, session: "s2", handle: h2 });
    ok(st, { type: "expireSession", at: 12_000, session: "s1" }); // web-1 paused (GC), its lease ran out
    ok(st, { type: "tick", at: 22_000 });
    const seq2 = getSequencer(st, "s2", h2);
    fs.write({ sequencerOrToken: seq2, value: "web-2 is primary", at: 22_001 });
    const late = fs.tryWrite({ sequencerOrToken: seq1, value: "web-1 wakes up", at: 23_000 });
    expect(late.accepted).toBe(false);
    expect(late.code).toBe("ERR_CHUBBY_STALE_SEQUENCER");
    expect(fs.value()).toBe("web-2 is primary");
  });
});

describe("fenced resource, cell mode (CheckSequencer)", () => {
  it("rejects a holder whose lock is gone even when the resource never saw a newer sequencer", () => {
    const st = cellWith(["web-1", "web-2"]);
    const h1 = openW(st, "s1", L);
    ok(st, { type: "acquire", at: 0, session: "s1", handle: h1 });
    const seq1 = getSequencer(st, "s1", h1);
    const token = createFencedResource();
    const fenced = createFencedResource({ checkWithCell: () => st });
    expect(fenced.mode).toBe("cell");
    expect(fenced.tryWrite({ sequencerOrToken: seq1, value: "v1", at: 1 }).accepted).toBe(true);
    token.write({ sequencerOrToken: seq1, value: "v1", at: 1 });
    ok(st, { type: "expireSession", at: 15_000, session: "s1" });
    const late = fenced.tryWrite({ sequencerOrToken: seq1, value: "late", at: 16_000 });
    expect(late).toMatchObject({ accepted: false, code: "ERR_CHUBBY_STALE_SEQUENCER" });
    expect(token.tryWrite({ sequencerOrToken: seq1, value: "late", at: 16_000 }).accepted).toBe(true); // token mode cannot know
  });

  it("needs a sequencer, not a bare token", () => {
    const st = cellWith([]);
    const fenced = createFencedResource({ checkWithCell: () => st });
    expect(fenced.tryWrite({ sequencerOrToken: 3, value: "v", at: 0 }).code).toBe("ERR_CHUBBY_BAD_SEQUENCER");
  });

  it("bad options are BAD_CONFIG", () => {
    throwsCode(() => createFencedResource({ checkWithCell: 42 as unknown as () => never }), "ERR_CHUBBY_BAD_CONFIG");
  });
});
