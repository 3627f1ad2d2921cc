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

/**
 * "Start from the optimal basis of the solve just done, of `model`": `mapping()` gives, per column
 * and row of the model now solved, its index in `model` (−1: new), or null when names repeat. A
 * solver may ignore it (solve cold; a replay does, so the mapping is built only when asked); one that
 * uses it must use only the basis of its own last solve, and only if that solve was of `model` (the
 * same object), so the answer depends on this cycle's models alone.
 */
export interface StartFrom {
  model: LpModel;
  mapping(): StartMapping | null;
}

export interface StartMapping {
  colFrom: Int32Array;
  rowFrom: Int32Array;
}

export interface SolveOptions {
  timeLimitSec: number;
  startFrom?: StartFrom;
}

export interface LpSolver {
  /** Synchronous and deterministic: the same model (and the same startFrom, after the same solve) gives the same solution. */
  solve(model: LpModel, options: SolveOptions): LpSolution;
}

/** A growable typed-array buffer: amortised appends, no boxed numbers, one copy at the end. */
class Grow<A extends Float64Array | Int32Array> {
  length = 0;
  constructor(public data: A) {}
  push(v: number): void {
    if (this.length === this.data.length) {
      const next = new (this.data.constructor as new (n: number) => A)(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = v;
  }
  /**
   * The filled part, as a view of the buffer (no copy: ~2 MB of typed arrays per cycle at 100k).
   * Safe if the builder keeps growing: appends only write past the view, or into a new buffer.
   */
  take(): A { return this.data.subarray(0, this.length) as A; }
}

/** The default for addCol's entries: one shared empty list, not two new arrays per column (~16k columns a cycle at 100k). */
const NONE: readonly number[] = [];

const f64 = (n: number) => new Grow(new Float64Array(n));
const i32 = (n: number) => new Grow(new Int32Array(n));

/**
 * Builds an LpModel column by column: rows are declared first, then each column's entries (entry) and the column (addCol).
 * Typed arrays throughout (the 100k-task model has ~10^5 nonzeros): the model goes to the solver as is.
 */
export class LpBuilder {
  private rowLo = f64(1024);
  private rowHi = f64(1024);
  private rowKey = f64(1024);
  private cost = f64(4096);
  private lo = f64(4096);
  private hi = f64(4096);
  private starts = i32(4096);
  private idx = i32(16384);
  private val = f64(16384);

  constructor() { this.starts.push(0); }

  get numCols(): number { return this.cost.length; }
  get numRows(): number { return this.rowLo.length; }

  /** `key`: the row's name across the models of one cycle (lp-keys.ts lpKey; −1: none). */
  addRow(lower: number, upper: number, key = -1): number {
    this.rowLo.push(lower);
    this.rowHi.push(upper);
    this.rowKey.push(key);
    return this.rowLo.length - 1;
  }

  /** Per row, the key addRow was given. */
  rowKeys(): Float64Array { return this.rowKey.take(); }

  /**
   * Stages an entry (row, coefficient) of the column the next addCol closes. Entries stream straight
   * into the matrix: no per-column arrays (~17k columns each cycle at 100,000 tasks). A zero is
   * dropped; a row listed twice in one column would be an invalid matrix, so callers never do.
   */
  entry(row: number, coef: number): this {
    if (coef !== 0) {
      this.idx.push(row);
      this.val.push(coef);
    }
    return this;
  }

  /** Closes a column over the entries staged since the last one, then `rows` paired with `coefs`. */
  addCol(cost: number, lower: number, upper: number, rows: readonly number[] = NONE, coefs: readonly number[] = NONE): number {
    for (let i = 0; i < rows.length; i++) this.entry(rows[i]!, coefs[i]!);
    this.cost.push(cost);
    this.lo.push(lower);
    this.hi.push(upper);
    this.starts.push(this.idx.length);
    return this.cost.length - 1;
  }

  build(): LpModel {
    return {
      numCols: this.cost.length,
      numRows: this.rowLo.length,
      colCost: this.cost.take(),
      colLower: this.lo.take(),
      colUpper: this.hi.take(),
      rowLower: this.rowLo.take(),
      rowUpper: this.rowHi.take(),
      start: this.starts.take(),
      index: this.idx.take(),
      value: this.val.take(),
    };
  }
}
