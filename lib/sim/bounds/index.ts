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
import { guaranteeShortLb } from "./guarantee-short.ts";
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
  /** Node-hours below guarantee that meeting the deadlines forces (guarantee-short.ts); 0: none. */
  guaranteeShortNodeHours: number;
  /** Bounds that could not be computed (solver failure): they fall back to 0, still a bound. */
  failures: string[];
  /**
   * Least busy-energy cost of a run's work with its cloud spend (energy.ts); without jobs, all
   * the work; with `guarantees`, for a schedule that also keeps every client's guarantee.
   */
  energyFor(cloudSpend: number, jobs?: JobOutcomeRow[], guarantees?: boolean): number;
}

export { type LpSolver } from "./lp.ts";

export function computeBounds(sc: Scenario, solver: LpSolver = highsSolver): Bounds {
  const m = boundModel(sc, slotMinutesFor(sc));
  // The energy LP spans every job to the horizon: size its slots for that.
  const horizonJobs = { ...sc, jobs: sc.jobs.map((j) => ({ ...j, job: { ...j.job, deadlineAt: null } })) };
  // Its work includes the failed attempts every run repeats before a task's good one (model.ts `retries`).
  const me = boundModel(sc, slotMinutesFor(horizonJobs), { retries: true });
  const failures: string[] = [];
  // 0 is a lower bound on every quantity here: a solver failure costs tightness, not validity.
  const safe = <T>(what: string, fn: () => T, fallback: T): T => {
    try { return fn(); } catch (e) { failures.push(`${what}: ${(e as Error).message}`); return fallback; }
  };
  const miss = safe("misses", () => missLowerBound(m, solver), { lowerBound: 0, forcedLate: [] as string[], method: "none" as const });
  const offline = cloudLowerBound(scenarioInstance(sc));
  // Rented or not, a node that finishes a task first ran the failed attempts every run repeats (model.ts `retries`).
  const withGuarantees = safe("cloud under guarantees", () => cloudCostLbGuarantees(boundModel(sc, m.slotMs / 60_000, { retries: true }), solver).cost, 0);
  const guaranteeShort = safe("guarantee shortfall", () => guaranteeShortLb(m, solver), 0);
  const energy = new Map<string, number>();
  return {
    missLowerBound: miss.lowerBound, forcedLate: miss.forcedLate, failures,
    cloudCost: offline.cost, cloudNodeHours: offline.nodeHours, cloudCostGuarantees: withGuarantees, guaranteeShortNodeHours: guaranteeShort,
    energyFor(cloudSpend: number, jobs?: JobOutcomeRow[], guarantees = false): number {
      // Round the cap UP to a cent: more cloud allowed only lowers the bound.
      const cap = Math.ceil(cloudSpend * 100 - 1e-9) / 100;
      const run: RunWork | undefined = jobs && new Map(jobs.map((j) => [j.id, { doneTasks: j.doneTasks, ...(j.doneSets ? { doneSets: j.doneSets } : {}), onTime: j.finishedAt !== null && !j.late }]));
      const sets = (j: JobOutcomeRow) => (j.doneSets ? `[${j.doneSets.map((s) => s?.join(".") ?? "").join("/")}]` : "");
      const key = `${cap}|${guarantees ? "g" : ""}|${jobs ? jobs.map((j) => `${j.doneTasks.join(",")}${sets(j)}${j.finishedAt !== null && !j.late ? "+" : "-"}`).join(";") : "all"}`;
      let e = energy.get(key);
      if (e === undefined) energy.set(key, (e = safe("energy", () => energyLowerBound(me, solver, cap, run, guarantees).cost, 0)));
      return e;
    },
  };
}
