/**
 * The lower bounds every policy's row is measured against, computed once per scenario (energy
 * once per distinct cloud spend). The LP/MIP solver is injected (HiGHS by default); the offline
 * cloud bound stays lib/planner/bounds' (on the exported instance).
 */
import { cloudLowerBound } from "../../planner/bounds/index.ts";
import { scenarioInstance } from "../export-instance.ts";
import type { JobOutcomeRow, Scenario } from "../types.ts";
import { cloudCostLbGuarantees } from "./cloud-guarantees.ts";
import { energyLowerBound, type RunWork } from "./energy.ts";
import { highsSolver } from "./highs-solver.ts";
import type { LpSolver } from "./lp.ts";
import { missLowerBound } from "./misses.ts";
import { boundModel, slotMinutesFor } from "./model.ts";

export interface Bounds {
  /** Least misses any schedule reaches (joint, misses.ts). */
  missLowerBound: number;
  /** Jobs late whatever happens (a task longer than its window). */
  forcedLate: string[];
  /** Offline cloud bound (all work known, no budgets or guarantees), spot. */
  cloudCost: number;
  cloudNodeHours: number;
  /** Cloud bound with budgets, ownership, boot rounded up and guarantees (cloud-guarantees.ts). */
  cloudCostGuarantees: number;
  /** Least busy-energy cost of a run's work with its cloud spend (energy.ts); without jobs, all the work. */
  energyFor(cloudSpend: number, jobs?: JobOutcomeRow[]): number;
}

export { type LpSolver } from "./lp.ts";

export function computeBounds(sc: Scenario, solver: LpSolver = highsSolver): Bounds {
  const m = boundModel(sc, slotMinutesFor(sc));
  // The energy LP spans every job to the horizon: size its slots for that.
  const horizonJobs = { ...sc, jobs: sc.jobs.map((j) => ({ ...j, job: { ...j.job, deadlineAt: null } })) };
  const me = boundModel(sc, slotMinutesFor(horizonJobs));
  const miss = missLowerBound(m, solver);
  const offline = cloudLowerBound(scenarioInstance(sc));
  const withGuarantees = cloudCostLbGuarantees(m, solver);
  const energy = new Map<string, number>();
  return {
    missLowerBound: miss.lowerBound, forcedLate: miss.forcedLate,
    cloudCost: offline.cost, cloudNodeHours: offline.nodeHours, cloudCostGuarantees: withGuarantees.cost,
    energyFor(cloudSpend: number, jobs?: JobOutcomeRow[]): number {
      // Round the cap UP to a cent: more cloud allowed only lowers the bound.
      const cap = Math.ceil(cloudSpend * 100 - 1e-9) / 100;
      const run: RunWork | undefined = jobs && new Map(jobs.map((j) => [j.id, { doneTasks: j.doneTasks, onTime: j.finishedAt !== null && !j.late }]));
      const key = `${cap}|${jobs ? jobs.map((j) => `${j.doneTasks.join(",")}${j.finishedAt !== null && !j.late ? "+" : "-"}`).join(";") : "all"}`;
      let e = energy.get(key);
      if (e === undefined) energy.set(key, (e = energyLowerBound(me, solver, cap, run).cost));
      return e;
    },
  };
}
