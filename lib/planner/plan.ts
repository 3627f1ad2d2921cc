import type { Plan, PlannerRun, Policy, Snapshot } from "./types.ts";
import { decideJob } from "./decisions.ts";
import { greedyStages } from "./greedy.ts";
import { planWithLp } from "./lp/plan-lp.ts";
import type { LpSolver } from "./lp/solver.ts";
import type { StageResult } from "./lp/stage.ts";
import { prepareCycle } from "./prepare-cycle.ts";
import { refusedEverywhere } from "./matching/refusals.ts";

export interface PlanOptions {
  /** The LP solver (HiGHS in production, lib/solver/highs-solver.ts). Without one, the greedy passes plan. */
  solver?: LpSolver;
  /** Solver budget per cycle; past it the greedy passes plan that cycle. */
  solverTimeLimitSec?: number;
}

/** Default solver budget: the planner Lambda's whole-farm tick stays well under a second. */
export const SOLVER_TIME_LIMIT_SEC = 2;

/**
 * One planning cycle, a numbered pipeline over an immutable snapshot (Kueue's heads → snapshot →
 * nominate → iterate → commit). Pure: same snapshot, policy, `now` and solver give the same plan.
 *
 * Steps 1–4 are prepareCycle (prepare-cycle.ts), shared with tools that build the LP alone.
 *  1. index     node classes, eligibility per requirement set, client shares
 *  2. state     per job: work left, dead tasks, step dependencies, approval gates
 *  3. deps      job cycles named, prerequisites wait, urgency flows to prerequisites
 *  4. order     slack per job, tiers, priority within policy
 *  5–9. plan of record: the time-expanded LP (lp/plan-lp.ts) over deadlines, shares, cloud and
 *       tariff, whose first slots become assignments, deferrals, rentals and power actions; if
 *       no solver is given, or it fails or runs out of time, the greedy passes (greedy.ts) plan
 *       this cycle and `plan.planner` says so
 * 10. decide    one decision with a reason per job
 */
export function plan(snapshot: Snapshot, policy: Policy, now: number, options: PlanOptions = {}): Plan {
  // 1–4. index, state, dependencies, order
  const { classes, eligibility, ledger, warnings, states, facts, active, waiting, cloudOk, curve } = prepareCycle(snapshot, policy, now);

  // 5–9. the plan of record, or the greedy passes
  let stages: StageResult | null = null;
  let planner: PlannerRun = { mode: "greedy", reason: "no LP solver given" };
  if (options.solver) {
    const lp = planWithLp({
      snapshot, policy, now, classes, eligibility, ordered: active, waiting, states, facts, ledger, cloudOk, curve,
      solver: options.solver, timeLimitSec: options.solverTimeLimitSec ?? SOLVER_TIME_LIMIT_SEC,
    });
    if (lp.ok) {
      stages = lp.result;
      planner = { mode: "lp", reason: "time-expanded LP solved to optimality", lp: lp.stats };
    } else {
      planner = { mode: "greedy", reason: `${lp.reason}; the greedy passes planned this cycle`, lp: lp.stats };
      warnings.push(`planner: ${planner.reason}`);
    }
  }
  stages ??= greedyStages({ snapshot, policy, now, classes, states, facts, active, ledger, cloudOk, curve });

  // 10. decide
  const order = new Map<string, number>();
  for (let i = 0; i < active.length; i++) order.set(active[i]!.job.id, i);
  const decisions = snapshot.jobs.map((j) => {
    const s = states.get(j.id)!;
    return decideJob({
      s, facts: facts.get(j.id)!, rank: order.get(j.id) ?? active.length, placed: stages.placed.get(j.id) ?? 0,
      deferral: stages.deferrals.get(j.id), capped: stages.capped.has(j.id), clientMax: ledger.maxOf(j.clientId),
      projection: stages.projection.get(j.id), burstReason: stages.burstByJob.get(j.id), cloudRefused: stages.refused.get(j.id),
      cloudOk: cloudOk(j) && policy.burst.enabled, now, why: stages.why.get(j.id),
      refusedEverywhere: s.status === "active" && (stages.placed.get(j.id) ?? 0) === 0 && s.runningTasks === 0 && refusedEverywhere(s.steps, j, { after: policy.failures.blocklistAfter, forgiven: s.forgiven }),
    });
  });
  decisions.sort((a, b) => a.rank - b.rank || (a.jobId < b.jobId ? -1 : 1));
  const { assignments, preemptions, burst, nodeActions } = stages;
  return { at: now, jobs: decisions, assignments, preemptions, burst, nodeActions, shares: ledger.report(), warnings, planner };
}
