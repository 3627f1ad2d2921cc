/**
 * Measured runtimes correct the LP's estimate (lib/planner/lp/evidence.ts): a step whose finished
 * tasks ran 30% over the estimate is planned at about its measured length, so work the farm would finish
 * on the estimate but not on the measurements gets rented capacity; measurements that confirm the
 * estimate, or run under it, change nothing.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { defaultPolicy } from "../../../lib/planner/index.ts";
import { estimateFactor } from "../../../lib/planner/lp/evidence.ts";
import type { LpSolver } from "../../../lib/planner/lp/solver.ts";
import { loadHighsSolver } from "../../../lib/solver/highs-solver.ts";
import { HOUR, T0, aJob, aSnapshot, aStep, nodes } from "../../builders/planner.ts";
import { CPU_OFFERS, firstJobRents } from "./lp-rents.ts";

let solver: LpSolver;
beforeAll(async () => { solver = await loadHighsSolver(); });

// Four nodes, 40 ten-minute tasks left due in 2 h: the farm finishes them on the estimate (lp-due-margin.test.ts).
const rents = (step: ReturnType<typeof aStep>) => firstJobRents(aSnapshot({ jobs: [aJob("j").due(T0 + 2 * HOUR).steps(step).build()], nodes: nodes("n", 4), cloudOffers: CPU_OFFERS }), solver);
const step = () => aStep("render").tasks(80, 600).pending([40, 79]).done(40);

describe("measured runtimes in the LP", () => {
  it("rents for a step whose finished tasks ran 30% over the estimate", () => {
    expect(rents(step())).toBe(false);
    expect(rents(step().measured(40, 780))).toBe(true);
  });

  it("plans as before when the measurements confirm the estimate or run under it", () => {
    expect(rents(step().measured(40, 600))).toBe(false);
    expect(rents(step().measured(40, 420))).toBe(false);
  });

  it("corrects by the measured mean less safetySigma standard errors", () => {
    const s = (m: ReturnType<typeof aStep>) => m.build();
    // 100 tasks at 1.3× with spread 0.2: 1.3 × (1 − 2 × 0.2 / 10).
    expect(estimateFactor(defaultPolicy, s(aStep("r").tasks(10, 600).spread(0.2).measured(100, 780)))).toBeCloseTo(1.3 * 0.96, 6);
    // A measured spread above the declared one widens the error: 100 tasks at 1.3× with spread 0.5, 1.3 × (1 − 2 × 0.5 / 10).
    expect(estimateFactor(defaultPolicy, s(aStep("r").tasks(10, 600).spread(0.2).measured(100, 780, 0.5)))).toBeCloseTo(1.3 * 0.9, 6);
    // Four tasks 10% over are within the noise of a 0.2 spread.
    expect(estimateFactor(defaultPolicy, s(aStep("r").tasks(10, 600).spread(0.2).measured(4, 660)))).toBe(1);
    expect(estimateFactor(defaultPolicy, aStep("r").build())).toBe(1);
  });
});
