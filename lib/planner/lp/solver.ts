/**
 * The port through which the planner reaches a linear-programming solver. The planner builds the
 * model and reads the answer; the solver itself (HiGHS in WASM, lib/solver/highs-solver.ts) is
 * injected by the caller, so lib/planner stays pure: no I/O, no clock, no module state.
 *
 *   minimise colCost·x  subject to  rowLower ≤ A·x ≤ rowUpper,  colLower ≤ x ≤ colUpper
 *
 * A is given column-wise (CSC): column j's entries are `index[start[j] .. start[j+1])` (rows)
 * with `value[...]`.
 */
export interface LpModel {
  numCols: number;
  numRows: number;
  colCost: Float64Array;
  colLower: Float64Array;
  colUpper: Float64Array;
  rowLower: Float64Array;
  rowUpper: Float64Array;
  start: Int32Array;
  index: Int32Array;
  value: Float64Array;
}

export type LpStatus = "optimal" | "infeasible" | "time-limit" | "error";

export interface LpSolution {
  status: LpStatus;
  /** Primal values per column (empty unless optimal). */
  colValue: Float64Array;
  /** Dual values per row (empty unless optimal): how much the objective moves per unit of the row's bound. */
  rowDual: Float64Array;
  /** Solver's own message when not optimal. */
  detail?: string;
  /** Wall time the solver spent, measured by the adapter; never copied into the plan (same input → same plan). */
  solveMs?: number;
}

export interface LpSolver {
  /** Synchronous and deterministic: the same model gives the same solution. */
  solve(model: LpModel, options: { timeLimitSec: number }): LpSolution;
}

/** Builds an LpModel column by column: rows are declared first, then each column lists its entries. */
export class LpBuilder {
  private rowLo: number[] = [];
  private rowHi: number[] = [];
  private cost: number[] = [];
  private lo: number[] = [];
  private hi: number[] = [];
  private starts: number[] = [0];
  private idx: number[] = [];
  private val: number[] = [];

  get numCols(): number { return this.cost.length; }
  get numRows(): number { return this.rowLo.length; }

  addRow(lower: number, upper: number): number {
    this.rowLo.push(lower);
    this.rowHi.push(upper);
    return this.rowLo.length - 1;
  }

  /** `rows` and `coefs` pair up; a row listed twice would be an invalid matrix, so callers never do. */
  addCol(cost: number, lower: number, upper: number, rows: readonly number[], coefs: readonly number[]): number {
    this.cost.push(cost);
    this.lo.push(lower);
    this.hi.push(upper);
    for (let i = 0; i < rows.length; i++) {
      if (coefs[i] === 0) continue;
      this.idx.push(rows[i]!);
      this.val.push(coefs[i]!);
    }
    this.starts.push(this.idx.length);
    return this.cost.length - 1;
  }

  build(): LpModel {
    return {
      numCols: this.cost.length,
      numRows: this.rowLo.length,
      colCost: Float64Array.from(this.cost),
      colLower: Float64Array.from(this.lo),
      colUpper: Float64Array.from(this.hi),
      rowLower: Float64Array.from(this.rowLo),
      rowUpper: Float64Array.from(this.rowHi),
      start: Int32Array.from(this.starts),
      index: Int32Array.from(this.idx),
      value: Float64Array.from(this.val),
    };
  }
}
