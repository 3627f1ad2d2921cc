/**
 * The plan of record between solves. A planning cycle solves the LP (`recording(solver)` keeps
 * the model's shape and solution); an event that only needs new assignments (a frame done, a
 * node freed) re-runs plan() with `replay(record)`, which answers with the recorded solution
 * when the model has the same shape, so dispatch rounds the still-fresh first slot without a
 * solve. A different shape (a group appeared or emptied) is reported as an error: plan() then
 * falls back to the greedy passes for that decision and says so, and the next cycle re-solves.
 */
import type { LpModel, LpSolution, LpSolver } from "../planner/lp/solver.ts";

export interface LpRecord {
  numCols: number;
  numRows: number;
  solution: LpSolution;
}

export function recording(inner: LpSolver): LpSolver & { last: LpRecord | null } {
  const out = {
    last: null as LpRecord | null,
    solve(model: LpModel, options: { timeLimitSec: number }): LpSolution {
      const solution = inner.solve(model, options);
      out.last = solution.status === "optimal" ? { numCols: model.numCols, numRows: model.numRows, solution } : null;
      return solution;
    },
  };
  return out;
}

export function replay(record: LpRecord): LpSolver {
  return {
    solve(model: LpModel): LpSolution {
      if (model.numCols === record.numCols && model.numRows === record.numRows) return { ...record.solution, solveMs: 0 };
      const empty = new Float64Array(0);
      return { status: "error", colValue: empty, rowDual: empty, detail: "the plan of record no longer matches the farm (re-solve)" };
    },
  };
}
