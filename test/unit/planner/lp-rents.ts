/**
 * Whether the LP's plan rents for a job: the shared check of the tests that pin where renting starts
 * (lp-due-margin, lp-deadline-edges, lp-measured-runtimes).
 */
import { expect } from "vitest";
import { defaultPolicy, plan } from "../../../lib/planner/index.ts";
import type { LpSolver } from "../../../lib/planner/lp/solver.ts";
import type { Snapshot } from "../../../lib/planner/types.ts";
import { T0, anOffer } from "../../builders/planner.ts";

/** One CPU instance type to rent. */
export const CPU_OFFERS = [anOffer("c6i.8xlarge", { spotPricePerHour: 0.5, onDemandPricePerHour: 1.36 })];

/** Plans `snapshot` at T0 (the LP must plan it, not the greedy passes) and says whether its first job's reason names rented capacity. */
export function firstJobRents(snapshot: Snapshot, solver: LpSolver): boolean {
  const p = plan(snapshot, defaultPolicy, T0, { solver });
  expect(p.planner?.mode, p.planner?.reason).toBe("lp");
  return p.jobs[0]!.reason.includes("with rented capacity");
}
