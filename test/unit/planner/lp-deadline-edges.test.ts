/**
 * The LP's grid gets an edge at each deadline less its margin (lib/planner/lp/lp-problem.ts), and a
 * group's work is due at the last edge at or before its due time (groups.ts). The margin depends on
 * the group's best speed; an edge sized at reference speed fell before the due time of work on faster
 * hardware, which then was due at the coarse edge below: farm time the LP did not count and rented for.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { LpSolver } from "../../../lib/planner/lp/solver.ts";
import { loadHighsSolver } from "../../../lib/solver/highs-solver.ts";
import { HOUR, MIN, T0, aJob, aSnapshot, nodes } from "../../builders/planner.ts";
import { CPU_OFFERS, firstJobRents } from "./lp-rents.ts";

let solver: LpSolver;
beforeAll(async () => { solver = await loadHighsSolver(); });

// Four nodes at twice the reference speed run 2-hour tasks in an hour each. Due at 18:40, less a margin
// (two spreads of a task at speed 2, 24 min, and a tenth of the time left, 64 min) the work is due at
// 17:12, at the edge at 17:05: nine tasks a node end by then. Sized at speed 1 the edge sat at 16:45 (eight).
const rents = (tasks: number) => firstJobRents(aSnapshot({ jobs: [aJob("j").due(T0 + 10 * HOUR + 40 * MIN).tasks(tasks, 7200).build()], nodes: nodes("n", 4, (b) => b.speed("render-cpu", 2)), cloudOffers: CPU_OFFERS }), solver);

describe("deadline edges of the LP's grid", () => {
  it("count the farm's time up to the due time of work on fast hardware: no rental for what the farm finishes", () => {
    expect(rents(36)).toBe(false);
  });

  it("still rent when the work does not fit before it", () => {
    expect(rents(38)).toBe(true);
  });
});
