/**
 * The LP's effective deadlines (lib/planner/lp/groups.ts dueMarginMs): completion credit already
 * counts a task's work when it ends, so the margin before a deadline keeps only what the credit
 * does not see — the last task's spread and the drift over the time left — not a whole task again.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { LpSolver } from "../../../lib/planner/lp/solver.ts";
import { loadHighsSolver } from "../../../lib/solver/highs-solver.ts";
import { HOUR, T0, aJob, aSnapshot, nodes } from "../../builders/planner.ts";
import { CPU_OFFERS, firstJobRents } from "./lp-rents.ts";

let solver: LpSolver;
beforeAll(async () => { solver = await loadHighsSolver(); });

// Four nodes, 10-minute tasks (spread 0.2), due in 2 h: a margin of the last task's spread (4 min) and
// a tenth of the time left (11.5 min) puts the work due at 09:44, ten tasks a node; a whole task more (10 min), at 09:34, nine.
const rents = (tasks: number) => firstJobRents(aSnapshot({ jobs: [aJob("j").due(T0 + 2 * HOUR).tasks(tasks, 600).build()], nodes: nodes("n", 4), cloudOffers: CPU_OFFERS }), solver);

describe("the LP's margin before a deadline", () => {
  it("plans no rental for work the farm finishes in time, the last tasks credited when they end", () => {
    expect(rents(40)).toBe(false);
  });

  it("still plans one when the work does not fit before the margin", () => {
    expect(rents(42)).toBe(true);
  });
});
