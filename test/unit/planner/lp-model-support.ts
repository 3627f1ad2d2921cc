/**
 * The LP of one cycle built exactly as plan() builds it (prepareCycle, then
 * lp/lp-problem.ts), solved, and read back per column kind, so tests can assert on the model
 * itself rather than on the rounded first slot.
 */
import { type ColInfo } from "../../../lib/planner/lp/model.ts";
import { buildLpProblem, type LpProblem } from "../../../lib/planner/lp/lp-problem.ts";
import type { LpSolver } from "../../../lib/planner/lp/solver.ts";
import { prepareCycle } from "../../../lib/planner/prepare-cycle.ts";
import type { Policy, Snapshot } from "../../../lib/planner/types.ts";

export interface SolvedProblem extends LpProblem {
  status: string;
  /** Columns with their solution values. */
  values: { info: ColInfo; v: number }[];
  /** Sum of values of columns matching `pick`. */
  sum(pick: (c: ColInfo) => boolean, weight?: (c: ColInfo) => number): number;
}

export function lpProblemOf(snapshot: Snapshot, policy: Policy, now: number, options: { completionCredit?: boolean } = {}): LpProblem {
  const { classes, eligibility, ledger, states, facts, active, waiting, cloudOk, curve } = prepareCycle(snapshot, policy, now);
  const never: LpSolver = { solve: () => { throw new Error("not solved here"); } };
  return buildLpProblem({ snapshot, policy, now, classes, eligibility, ordered: active, waiting, states, facts, ledger, cloudOk, curve, solver: never, timeLimitSec: 5 }, options);
}

export function solveProblem(snapshot: Snapshot, policy: Policy, now: number, solver: LpSolver, options: { completionCredit?: boolean } = {}): SolvedProblem {
  const p = lpProblemOf(snapshot, policy, now, options);
  const sol = solver.solve(p.built.model, { timeLimitSec: 10 });
  const values = Array.from({ length: p.built.cols.length }, (_, j) => ({ info: p.built.cols.at(j), v: sol.colValue[j] ?? 0 }));
  const sum = (pick: (c: ColInfo) => boolean, weight: (c: ColInfo) => number = () => 1) => values.reduce((s, { info, v }) => s + (pick(info) ? v * weight(info) : 0), 0);
  return { ...p, status: sol.status, values, sum };
}
