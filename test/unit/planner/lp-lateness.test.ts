/**
 * Work that misses its deadline is still planned after it, each hour late priced (lp/model.ts
 * `late`, below a miss, far above a cloud hour): a late job gets capacity — rented too, within its
 * client's permission — to finish sooner, and its reason says how late, not "beyond the horizon".
 */
import { beforeAll, describe, expect, it } from "vitest";
import { defaultPolicy, plan } from "../../../lib/planner/index.ts";
import type { LpSolver } from "../../../lib/planner/lp/solver.ts";
import { loadHighsSolver } from "../../../lib/solver/highs-solver.ts";
import { HOUR, T0, aJob, aSnapshot, anOffer, nodes } from "../../builders/planner.ts";

let solver: LpSolver;
beforeAll(async () => { solver = await loadHighsSolver(); });

const MIN = 60_000;
// Rented nodes take 10 minutes to boot: none can help before a deadline 12 minutes away.
const slowBoot = [anOffer("c6i.8xlarge", { spotPricePerHour: 0.5, onDemandPricePerHour: 1.36, bootSec: 600 })];

// 60 two-minute tasks due in 12 minutes on two nodes: 24 node-minutes fit, 96 are late whatever happens.
function latePlan(o: { cloudAllowed?: boolean } = {}) {
  const job = aJob("j").due(T0 + 12 * MIN).tasks(60, 120).build();
  if (o.cloudAllowed === false) job.cloudAllowed = false;
  const p = plan(aSnapshot({ jobs: [job], nodes: nodes("n", 2), cloudOffers: slowBoot }), defaultPolicy, T0, { solver });
  expect(p.planner?.mode, p.planner?.reason).toBe("lp");
  return { p, d: p.jobs[0]! };
}

describe("a job that can no longer make its deadline", () => {
  it("gets rented capacity to finish sooner, and its rental says the deadline will be missed and by when it finishes", () => {
    const { p, d } = latePlan();
    const rented = p.burst.reduce((n, b) => n + b.count, 0);
    expect(rented).toBeGreaterThan(0);
    expect(p.burst[0]!.reason).toMatch(/^the deadline .+ will be missed; .+ of rented work finishes it sooner \(by .+, ~\d+m late\)/);
    expect(d.reason).toMatch(/LP: will miss its deadline .+ by ~\d+m; with rented capacity it finishes by /);
    expect(d.reason).not.toMatch(/horizon/);
    // The burst finishes it sooner, not in time: it is still at risk.
    expect(d.atRisk).toBe(true);
    expect(d.reason).toMatch(/at risk: projected .+ against deadline /);
    // Planned to finish well within the hour the farm alone would take (96 node-minutes on two nodes).
    expect(d.projectedFinishAt! - T0).toBeLessThan(40 * MIN);
  });

  it("is planned past its deadline on the farm when its client may not rent, with a finish, not 'beyond the horizon'", () => {
    const { p, d } = latePlan({ cloudAllowed: false });
    expect(p.burst).toEqual([]);
    expect(d.reason).toMatch(/LP: will miss its deadline .+ by ~\d+m; with all capacity it may use it finishes by /);
    // All 120 node-minutes on two nodes: about an hour, not never.
    expect(d.projectedFinishAt! - T0).toBeGreaterThanOrEqual(55 * MIN);
    expect(d.projectedFinishAt! - T0).toBeLessThanOrEqual(75 * MIN);
  });

  it("changes nothing for a job that makes its deadline: no rental, the same plan as before lateness was priced", () => {
    const job = aJob("j").due(T0 + 2 * HOUR).tasks(24, 600).build();
    const p = plan(aSnapshot({ jobs: [job], nodes: nodes("n", 4), cloudOffers: slowBoot }), defaultPolicy, T0, { solver });
    expect(p.burst).toEqual([]);
    expect(p.jobs[0]!.reason).not.toMatch(/will miss/);
    expect(p.jobs[0]!.atRisk).toBe(false);
    expect(p.planner?.lp?.columns).toBeGreaterThan(0);
  });
});
