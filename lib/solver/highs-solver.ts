/**
 * The HiGHS adapter for the planner's LpSolver port (lib/planner/lp/solver.ts): the `highs` npm
 * package (HiGHS compiled to WebAssembly, single-threaded, so a given model always solves the same
 * way). Loading the WASM is asynchronous, solving is synchronous: callers load once
 * (`await loadHighsSolver()`) and pass the solver into `plan(…, { solver })`.
 */
import { existsSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import * as highsModule from "highs";
import type { Highs } from "highs";
import type { LpModel, LpSolution, LpSolver, SolveOptions, StartFrom } from "../planner/lp/solver.ts";

// The package's types are declared CommonJS-style while Node loads its ES build: the loader is the namespace's default.
const loadHighs = (highsModule as unknown as { default: (o?: { locateFile?: (file: string) => string }) => Promise<Highs> }).default;

let loading: Promise<Highs> | null = null;

/**
 * Where highs.wasm is: beside the running module when it is a Lambda bundle (the stack copies it
 * there, lib/infra/constructs/handler-function.ts `besideBundle`), else the package's own copy.
 */
export function highsWasmBesideModule(moduleUrl: string = import.meta.url): string | undefined {
  const beside = fileURLToPath(new URL("highs.wasm", moduleUrl));
  return existsSync(beside) ? beside : undefined;
}

/** The HiGHS WASM instance, loaded once per process (the planner's solver and the simulator's bounds share it). */
export function loadHighsInstance(): Promise<Highs> {
  const beside = highsWasmBesideModule();
  loading ??= loadHighs(beside ? { locateFile: () => beside } : undefined);
  return loading;
}

export interface HighsSolverOptions {
  /**
   * Start each solve from the last optimal basis when the model has the same shape (the next
   * cycle's LP within the same 5-minute slot window): measured 100 → 31 ms of CPU at 100k/5,000
   * and 45 → 16 ms at 10k/500, same objective. Off by default: among equally good optima the
   * warm start may land on another one, so the plan then depends on the previous solve, not on
   * the snapshot alone (the planner's "same input → same plan" holds per solver history only).
   */
  warmStart?: boolean;
  /**
   * "devex": dual simplex with Devex pricing, unscaled (the planner's coefficients are speeds,
   * hours and prices of similar magnitude). Measured on the bench models: 10k/500 43 → 34 ms and
   * 100k/5,000 112 → 80 ms of solver CPU, the same optimal objective to 12 digits. Off by
   * default: it lands on other optima among equal ones, which moved the kind-mix simulation
   * (specialization +14.2% → +13.0%, guarantee shortfall 1062 → 996 client-min, energy 7.07 →
   * 6.99); adopt it together with a check of the scenario table.
   */
  pricing?: "default" | "devex";
}

/** HiGHS options per `pricing` (names as in HiGHS's option list). */
const PRICING = {
  default: {},
  devex: { simplex_dual_edge_weight_strategy: 1, simplex_scale_strategy: 0 },
} as const;

export async function loadHighsSolver(options: HighsSolverOptions = {}): Promise<HighsSolver> {
  return new HighsSolver(await loadHighsInstance(), options);
}

/** Model shapes whose last basis is kept (a cycle solves at most two: plain, then with lateness). */
const SAVED_SHAPES = 2;

interface SavedBasis { numCols: number; numRows: number; colStatus: Int32Array; rowStatus: Int32Array }

export class HighsSolver implements LpSolver {
  /** Wall and CPU time of the last solve (for benches; plans stay free of timings). */
  lastSolveMs = 0;
  lastSolveCpuMs = 0;
  /** Simplex iterations of the last solve, and whether it started from the previous basis. */
  lastIterations = 0;
  lastWarm = false;
  /**
   * The last optimal bases, one per model shape, newest first: a cycle that re-solves with lateness
   * priced (planner/lp/solve-lateness.ts) solves two shapes, and each warm-starts from its own.
   */
  private bases: SavedBasis[] = [];
  /**
   * The last solve's model and optimal basis (null if it was not optimal), whatever `warmStart`
   * says: the next solve may start from it through `startFrom` (a cycle's re-solve with lateness
   * priced, planner/lp/solve-lateness.ts), which depends on that cycle's models alone.
   */
  private last: { model: LpModel; basis: SavedBasis } | null = null;
  constructor(private readonly highs: Highs, private readonly options: HighsSolverOptions = {}) {}

  /**
   * Presolve off first (measured 3–5× faster on the planner's models); when simplex ends without a
   * verdict (model status "unknown" on a degenerate model), once more with presolve on.
   */
  solve(m: LpModel, options: SolveOptions): LpSolution {
    const u0 = process.cpuUsage();
    const at = this.bases.findIndex((b) => b.numCols === m.numCols && b.numRows === m.numRows);
    // The opt-in warm start keeps its way (the same shape's last basis); else the cycle's own first solve's, through startFrom.
    const warm = (this.options.warmStart === true && at >= 0 ? this.bases[at]! : null) ?? (options.startFrom ? this.mappedBasis(m, options.startFrom) : null);
    this.last = null;
    if (at >= 0) this.bases.splice(at, 1);
    let sol = this.run(m, options, "off", warm);
    if (sol.status === "error" && warm) sol = this.run(m, options, "off", null);
    if (sol.status === "error" && !/^HiGHS model status 13$/.test(sol.detail ?? "")) {
      const again = this.run(m, options, "on", null);
      sol = { ...again, solveMs: (sol.solveMs ?? 0) + (again.solveMs ?? 0) };
    }
    this.lastSolveMs = sol.solveMs ?? 0;
    const u = process.cpuUsage(u0);
    this.lastSolveCpuMs = (u.user + u.system) / 1000;
    return sol;
  }

  /**
   * The last solve's basis carried over to `m` by `s`: a matched column or row keeps its status,
   * a new column starts nonbasic at a bound, a new row basic (its slack). Null (solve as without it)
   * unless the last solve was optimal and of `s.model`, and the result has one basic per row.
   */
  private mappedBasis(m: LpModel, s: StartFrom): SavedBasis | null {
    const last = this.last;
    if (!last || last.model !== s.model) return null;
    const map = s.mapping();
    if (!map || map.colFrom.length !== m.numCols || map.rowFrom.length !== m.numRows) return null;
    const { basic, lower } = this.highs.constants.basisStatus;
    let basics = 0;
    const carry = (from: Int32Array, old: Int32Array, lo: Float64Array, hi: Float64Array, fresh: number) => {
      const out = new Int32Array(from.length);
      for (let i = 0; i < from.length; i++) {
        const k = from[i]!;
        if (k >= old.length) return null;
        const st = k >= 0 ? old[k]! : fresh;
        out[i] = st === basic ? basic : this.nonbasicAt(lo[i]!, hi[i]!, st);
        if (out[i] === basic) basics++;
      }
      return out;
    };
    const colStatus = carry(map.colFrom, last.basis.colStatus, m.colLower, m.colUpper, lower);
    const rowStatus = carry(map.rowFrom, last.basis.rowStatus, m.rowLower, m.rowUpper, basic);
    if (!colStatus || !rowStatus || basics !== m.numRows) return null;
    return { numCols: m.numCols, numRows: m.numRows, colStatus, rowStatus };
  }

  /** A nonbasic status at a finite bound: the one it had if that bound is finite, else the other, else zero (free). */
  private nonbasicAt(lo: number, hi: number, st: number): number {
    const { lower, upper, zero } = this.highs.constants.basisStatus;
    const loOk = lo > -Infinity;
    const hiOk = hi < Infinity;
    if (st === upper && hiOk) return upper;
    return loOk ? lower : hiOk ? upper : zero;
  }

  private run(m: LpModel, options: { timeLimitSec: number }, presolve: "on" | "off", basis: SavedBasis | null): LpSolution {
    this.lastWarm = false;
    this.lastIterations = 0;
    const t0 = performance.now();
    const empty = new Float64Array(0);
    if (m.numCols === 0) return { status: "optimal", colValue: empty, rowDual: new Float64Array(m.numRows), solveMs: 0 };
    const model = this.highs.createModel({
      numCols: m.numCols,
      numRows: m.numRows,
      colCost: m.colCost,
      colLower: m.colLower,
      colUpper: clampInf(m.colUpper, this.highs.infinity),
      rowLower: clampInf(m.rowLower, this.highs.infinity),
      rowUpper: clampInf(m.rowUpper, this.highs.infinity),
      matrix: { format: "csc", numRows: m.numRows, numCols: m.numCols, starts: m.start, indices: m.index, values: m.value },
    });
    try {
      model.options.set({ output_flag: false, time_limit: options.timeLimitSec, random_seed: 0, presolve, ...PRICING[this.options.pricing ?? "default"] });
      if (basis) {
        model.setBasis({ colStatus: basis.colStatus, rowStatus: basis.rowStatus });
        this.lastWarm = true;
      }
      model.run();
      const status = model.getModelStatus();
      const codes = this.highs.constants.modelStatus;
      const solveMs = performance.now() - t0;
      this.lastIterations = iterationsOf(model);
      if (status === codes.optimal) {
        const sol = model.getSolution();
        const next = model.getBasis();
        const saved = { numCols: m.numCols, numRows: m.numRows, colStatus: next.colStatus, rowStatus: next.rowStatus };
        this.last = { model: m, basis: saved };
        if (this.options.warmStart) {
          this.bases.unshift(saved);
          this.bases.length = Math.min(this.bases.length, SAVED_SHAPES);
        }
        return { status: "optimal", colValue: sol.colValue, rowDual: sol.rowDual, solveMs };
      }
      const kind = status === codes.infeasible ? "infeasible" : status === codes.timeLimit ? "time-limit" : "error";
      return { status: kind, colValue: empty, rowDual: empty, detail: `HiGHS model status ${String(status)}`, solveMs };
    } catch (e) {
      return { status: "error", colValue: empty, rowDual: empty, detail: (e as Error).message, solveMs: performance.now() - t0 };
    } finally {
      model.dispose();
    }
  }
}

/** Simplex iterations of the model's last run (0 when HiGHS does not report them). */
function iterationsOf(model: ReturnType<Highs["createModel"]>): number {
  try {
    return Number(model.info.get("simplex_iteration_count"));
  } catch {
    return 0;
  }
}

/** The port uses ±Infinity; HiGHS wants its own infinity value. */
function clampInf(a: Float64Array, inf: number): Float64Array {
  let out: Float64Array | null = null;
  for (let i = 0; i < a.length; i++) {
    const v = a[i]!;
    if (v === Infinity || v === -Infinity) {
      out ??= Float64Array.from(a);
      out[i] = v > 0 ? inf : -inf;
    }
  }
  return out ?? a;
}
