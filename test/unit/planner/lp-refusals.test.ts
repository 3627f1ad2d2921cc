/**
 * Nodes that refuse a job (blocklisted for it, by hand or after repeated failures) are not its
 * capacity in the LP (lib/planner/lp/refusals.ts): dispatch never places the job there, so a plan
 * counting them finds the shortfall only when renting can no longer absorb it.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { defaultPolicy, plan } from "../../../lib/planner/index.ts";
import type { LpSolver } from "../../../lib/planner/lp/solver.ts";
import type { FarmNode } from "../../../lib/planner/types.ts";
import { loadHighsSolver } from "../../../lib/solver/highs-solver.ts";
import { HOUR, T0, aJob, aSnapshot, anOffer, nodes } from "../../builders/planner.ts";

let solver: LpSolver;
beforeAll(async () => { solver = await loadHighsSolver(); });

const offers = [anOffer("c6i.8xlarge", { spotPricePerHour: 0.5, onDemandPricePerHour: 1.36 })];
const limit = defaultPolicy.failures.blocklistAfter;

// Four nodes and 24 ten-minute tasks due in 2 h: the farm alone finishes them in time (one hour
// of four nodes). Two nodes that refuse the job leave two, two hours of work: too little.
function planWith(refuse: (n: FarmNode, i: number) => void, jobs = [aJob("j").due(T0 + 2 * HOUR).tasks(24, 600).build()]) {
  const farm = nodes("n", 4);
  farm.forEach(refuse);
  const p = plan(aSnapshot({ jobs, nodes: farm, cloudOffers: offers }), defaultPolicy, T0, { solver });
  expect(p.planner?.mode, p.planner?.reason).toBe("lp");
  // The LP's plan for the job: rented capacity now or later (the request itself waits for the boot's last moment).
  return p.jobs.map((d) => d.reason.includes("with rented capacity"));
}

describe("nodes that refuse a job in the LP", () => {
  it("plans no rental while every node accepts the job", () => {
    expect(planWith(() => {})).toEqual([false]);
  });

  it("rents for a job two of the four nodes refuse after repeated failures", () => {
    expect(planWith((n, i) => { if (i < 2) n.failuresByJob = { j: limit }; })).toEqual([true]);
  });

  it("rents for a job blocklisted by hand on two nodes", () => {
    expect(planWith((n, i) => { if (i < 2) n.blocklist = ["j"]; })).toEqual([true]);
  });

  it("counts a node for a group while it accepts any of the group's jobs", () => {
    // Two jobs of one client, kind and deadline form one group: nodes refusing only one of them still serve the group.
    const jobs = [aJob("j").due(T0 + 2 * HOUR).tasks(12, 600).build(), aJob("k").due(T0 + 2 * HOUR).tasks(12, 600).build()];
    expect(planWith((n, i) => { if (i < 2) n.failuresByJob = { j: limit }; }, jobs)).toEqual([false, false]);
  });

  it("ignores failures below the blocklist limit", () => {
    expect(planWith((n, i) => { if (i < 2) n.failuresByJob = { j: limit - 1 }; })).toEqual([false]);
  });

  it("says a job every node refuses can run nowhere, instead of 'no free eligible node' beside idle nodes", () => {
    const decide = (refusing: number) => {
      const farm = nodes("n", 4);
      farm.forEach((n, i) => { if (i < refusing) n.failuresByJob = { j: limit }; });
      const p = plan(aSnapshot({ jobs: [aJob("j").due(T0 + 2 * HOUR).tasks(24, 600).build()], nodes: farm }), defaultPolicy, T0, { solver });
      return { outcome: p.jobs[0]!.outcome, reason: p.jobs[0]!.reason, assigned: p.assignments.length };
    };
    const all = decide(4);
    expect(all.assigned).toBe(0);
    expect(all.outcome).toBe("unplaceable");
    expect(all.reason).toMatch(/^unplaceable: every node that can run it refuses it/);
    // One node still accepts the job: it runs there, and the reason is not the refusal.
    const one = decide(3);
    expect(one.assigned).toBeGreaterThan(0);
    expect(one.outcome).toBe("placed");
  });
});
