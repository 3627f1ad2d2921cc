import { afterEach, describe, expect, it } from "vitest";
import { FarmClock } from "../../../lib/local/farm-clock.ts";

const start = Date.UTC(2026, 2, 3, 15, 40);

describe("the local farm clock", () => {
  let real = 1_000_000;
  const realNow = () => real;
  let stop: (() => void) | undefined;
  afterEach(() => { stop?.(); stop = undefined; });

  it("runs speed × real time from its start, both ways", () => {
    real = 1_000_000;
    const clock = new FarmClock(start, 60, realNow);
    real += 2_000;
    expect(clock.now()).toBe(start + 120_000);
    expect(clock.toReal(start + 120_000)).toBe(real);
  });

  it("resumes where it paused instead of leaping ahead by pause × speed", () => {
    real = 1_000_000;
    const clock = new FarmClock(start, 60, realNow);
    real += 1_000;
    const before = clock.now();
    real += 600_000; // ten real minutes asleep: ten farm hours at 60×
    clock.resumeAfter(600_000);
    expect(clock.now()).toBe(before);
    real += 1_000;
    expect(clock.now()).toBe(before + 60_000);
    expect(clock.pausedMs).toBe(600_000);
  });

  it("notices a pause by itself: the first reading after it never sees the leap", () => {
    real = 1_000_000;
    const clock = new FarmClock(start, 60, realNow);
    const pauses: number[] = [];
    stop = clock.watchForPauses({ everyMs: 250, gapMs: 5_000, onPause: (ms) => pauses.push(ms) });
    real += 250;
    const before = clock.now();
    real += 120_000; // the process was stopped (Ctrl-Z) for two minutes
    const after = clock.now();
    expect(after - before).toBeLessThan(250 * 60 + 1);
    expect(pauses).toEqual([119_750]);
    // Ordinary gaps (reads a few seconds apart) are time passing, not a pause.
    real += 4_000;
    expect(clock.now()).toBe(after + 240_000);
    expect(pauses).toHaveLength(1);
  });

  it("stops noticing once the watch is stopped", () => {
    real = 1_000_000;
    const clock = new FarmClock(start, 60, realNow);
    clock.watchForPauses()();
    real += 60_000;
    expect(clock.now()).toBe(start + 3_600_000);
  });
});
