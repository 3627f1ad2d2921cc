/**
 * The farm's cloud ceiling (Snapshot.cloudLimits): one room (burst/ceiling-room.ts) counts rented
 * nodes already running and requests pending, and both the LP's rentals (lp/actions.ts) and the
 * greedy burst sizing (burst/sizing.ts) stay inside it.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { ceilingRoom } from "../../../lib/planner/burst/ceiling-room.ts";
import { defaultPolicy, plan } from "../../../lib/planner/index.ts";
import type { LpSolver } from "../../../lib/planner/lp/solver.ts";
import type { Snapshot } from "../../../lib/planner/types.ts";
import { loadHighsSolver } from "../../../lib/solver/highs-solver.ts";
import { aJob, aNode, anOffer, aSnapshot, HOUR, nodes, T0 } from "../../builders/planner.ts";

let solver: LpSolver;
beforeAll(async () => { solver = await loadHighsSolver(); });

const offer = anOffer("c7i.8xlarge", { spotPricePerHour: 0.55, onDemandPricePerHour: 1.43 });

/** 400 ten-minute tasks due in 4 h on 4 nodes: several rented nodes short. One rented node already runs, one is pending. */
function shortFarm(limits: Snapshot["cloudLimits"]): Snapshot {
  return aSnapshot({
    jobs: [aJob("j").due(T0 + 4 * HOUR).tasks(400, 600).build()],
    nodes: [
      ...nodes("n", 4),
      aNode("rented").cloud("c7i.8xlarge", "on-demand", 1.43, "A").running({ jobId: "j", taskIndex: 399, expectedEndAt: T0 + 5 * 60_000 }).build(),
      aNode("gone").cloud("c7i.8xlarge", "spot", 0.55, "A").status("offline").build(),
    ],
    cloudOffers: [offer],
    pendingBurst: [{ instanceType: "c7i.8xlarge", market: "spot", count: 1, clientId: "A" }],
    cloudLimits: limits,
  });
}

const asked = (s: Snapshot, lp: boolean) => plan(s, defaultPolicy, T0, lp ? { solver } : {}).burst;

describe("the farm's cloud ceiling", () => {
  it("room counts running rented nodes (not offline ones) and pending requests", () => {
    const room = ceilingRoom(shortFarm({ maxInstances: 5, maxSpendPerHour: 4 }));
    expect(room.instances).toBe(3);
    expect(room.spendPerHour).toBeCloseTo(4 - 1.43 - 0.55, 9);
    expect(ceilingRoom(shortFarm(undefined))).toEqual({ instances: Infinity, spendPerHour: Infinity });
  });

  describe.each([["the LP's rentals", true], ["the greedy sizing", false]])("%s", (_, lp) => {
    it("asks for more than the ceiling allows without one (the scenario needs it)", () => {
      const total = asked(shortFarm(undefined), lp).reduce((t, r) => t + r.count, 0);
      expect(total).toBeGreaterThan(2);
    });

    it("never exceeds maxInstances, counting rented nodes already running and pending", () => {
      const burst = asked(shortFarm({ maxInstances: 4 }), lp);
      expect(burst.reduce((t, r) => t + r.count, 0)).toBe(2);
      expect(burst[0]!.reason).toContain("cloud ceiling");
    });

    it("never exceeds maxSpendPerHour, counting rented nodes already running and pending", () => {
      const burst = asked(shortFarm({ maxSpendPerHour: 1.43 + 0.55 + 2 }), lp);
      const perHour = burst.reduce((t, r) => t + r.count * (r.market === "spot" ? offer.spotPricePerHour : offer.onDemandPricePerHour), 0);
      expect(perHour).toBeLessThanOrEqual(2 + 1e-9);
      expect(burst.reduce((t, r) => t + r.count, 0)).toBeGreaterThan(0);
    });

    it("asks for nothing when running and pending nodes fill the ceiling, and the late job's reason names the ceiling", () => {
      const p = plan(shortFarm({ maxInstances: 2 }), defaultPolicy, T0, lp ? { solver } : {});
      expect(p.burst).toEqual([]);
      const reason = p.jobs.find((d) => d.jobId === "j")!.reason;
      expect(reason).toContain("at risk");
      expect(reason).toContain("the farm's cloud ceiling (2 instances");
    });
  });
});
