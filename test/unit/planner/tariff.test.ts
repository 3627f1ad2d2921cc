import { describe, expect, it } from "vitest";
import { defaultPolicy, plan, withPolicy } from "../../../lib/planner/index.ts";
import { HOUR, T0, aJob, aNode, aSnapshot, aTariff, nodes } from "../../builders/planner.ts";

// 08:00 UTC now; power is dear 07–21 and cheap overnight (a retail TOU shape).
const tou = aTariff(Array.from({ length: 24 }, (_, h) => (h >= 7 && h < 21 ? 0.3 : 0.1)));

describe("tariff timing", () => {
  it("moves energy-intensive work with slack into the cheap hours, saying why", () => {
    const snap = aSnapshot({ jobs: [aJob("sim").energyIntensive().due(T0 + 30 * HOUR).tasks(8, 1800).build()], nodes: nodes("n", 4), tariff: tou });
    const p = plan(snap, defaultPolicy, T0);
    expect(p.assignments).toEqual([]);
    expect(p.jobs[0]!.outcome).toBe("deferred");
    expect(p.jobs[0]!.reason).toMatch(/^tariff: 21:00 UTC is 67% cheaper, slack after waiting \d+h/);
  });

  it("runs it now when waiting would eat the slack", () => {
    const snap = aSnapshot({ jobs: [aJob("sim").energyIntensive().due(T0 + 13 * HOUR + 30 * 60_000).tasks(8, 3600).build()], nodes: nodes("n", 4), tariff: tou });
    const p = plan(snap, defaultPolicy, T0);
    expect(p.jobs[0]!.outcome).toBe("placed");
  });

  it("leaves work that is not energy-intensive alone, and does nothing with tariff timing off", () => {
    const snap = (energy: boolean) => aSnapshot({ jobs: [aJob("j").energyIntensive(energy).due(T0 + 30 * HOUR).tasks(8, 1800).build()], nodes: nodes("n", 4), tariff: tou });
    expect(plan(snap(false), defaultPolicy, T0).jobs[0]!.outcome).toBe("placed");
    expect(plan(snap(true), withPolicy({ tariff: { enabled: false } }), T0).jobs[0]!.outcome).toBe("placed");
  });

  it("does not defer more work into a cheap window than the farm can finish before the deadlines", () => {
    // Each job alone fits the 21:00–07:00 window on 4 nodes; all six together would not.
    const jobs = Array.from({ length: 6 }, (_, i) => aJob(`sim${i}`).energyIntensive().due(T0 + 24 * HOUR).tasks(8, 3 * 3600).build());
    const p = plan(aSnapshot({ jobs, nodes: nodes("n", 4), tariff: tou }), defaultPolicy, T0);
    const deferred = p.jobs.filter((j) => j.outcome === "deferred").length;
    expect(deferred).toBeGreaterThan(0);
    expect(deferred).toBeLessThan(6);
  });

  it("marks long-idle on-prem nodes for power-down when no work is due soon", () => {
    const snap = aSnapshot({ jobs: [], nodes: [aNode("idle").idleSince(T0 - 3 * HOUR).build(), aNode("fresh").idleSince(T0 - 60_000).build()], tariff: tou });
    const p = plan(snap, defaultPolicy, T0);
    expect(p.nodeActions).toEqual([{ nodeId: "idle", action: "power-down", reason: "idle 3h; no work due within 2h" }]);
  });

  it("wakes an asleep node when ready work finds no free slot", () => {
    const snap = aSnapshot({ jobs: [aJob("j").tasks(3).build()], nodes: [aNode("awake").build(), aNode("zz").status("asleep").build()] });
    const p = plan(snap, defaultPolicy, T0);
    expect(p.nodeActions).toEqual([{ nodeId: "zz", action: "wake", reason: "ready work found no free eligible node" }]);
  });
});
