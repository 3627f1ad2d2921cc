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

  // The demo's stall: every node refused the OpenJD job after failures (kills that were not the
  // nodes' fault) and it sat at 59/60 beside four idle nodes. A refusal for failures is forgiven
  // when it is everywhere; one by hand never is (matching/refusals.ts).
  const decide = (refuse: (n: FarmNode, i: number) => void, withSolver = true) => {
    const farm = nodes("n", 4);
    farm.forEach(refuse);
    const p = plan(aSnapshot({ jobs: [aJob("j").due(T0 + 2 * HOUR).tasks(24, 600).build()], nodes: farm }), defaultPolicy, T0, withSolver ? { solver } : {});
    return { outcome: p.jobs[0]!.outcome, reason: p.jobs[0]!.reason, on: [...new Set(p.assignments.map((a) => a.nodeId))], warnings: p.warnings };
  };

  it("takes back the node with the fewest failures when every node refuses a job for failures, LP and greedy alike", () => {
    const failures = [limit + 2, limit + 1, limit, limit + 1];
    for (const withSolver of [true, false]) {
      const d = decide((n, i) => { n.failuresByJob = { j: failures[i]! }; }, withSolver);
      expect(d.on).toEqual(["n002"]);
      expect(d.outcome).toBe("placed");
      expect(d.warnings.join("\n")).toMatch(/job j: every node that can run it refuses it after repeated failures; n002 \(3 failures\) takes it again/);
    }
  });

  it("breaks a tie in failures by node id, and never forgives while one node still accepts", () => {
    expect(decide((n) => { n.failuresByJob = { j: limit }; }).on).toEqual(["n000"]);
    const one = decide((n, i) => { if (i < 3) n.failuresByJob = { j: limit }; });
    expect(one.on).toEqual(["n003"]);
    expect(one.warnings.join("\n")).not.toMatch(/takes it again/);
  });

  it("never forgives a blocklist by hand: a job blocklisted on every node says it can run nowhere", () => {
    const all = decide((n) => { n.blocklist = ["j"]; });
    expect(all.on).toEqual([]);
    expect(all.outcome).toBe("unplaceable");
    expect(all.reason).toMatch(/^unplaceable: every node that can run it refuses it/);
    // Three by hand, one for failures: the one refusing for failures is the one taken back.
    expect(decide((n, i) => { if (i < 3) n.blocklist = ["j"]; else n.failuresByJob = { j: limit + 5 }; }).on).toEqual(["n003"]);
  });
});
