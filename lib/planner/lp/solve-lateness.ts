import { withLateness, type LpProblem } from "./lp-problem.ts";
import type { LpStageInput, LpStats } from "./plan-lp.ts";
import { colKeys, keyMap } from "./lp-keys.ts";
import type { BuiltModel } from "./model.ts";
import { readSolution, type LpReading } from "./read.ts";
import type { StartFrom, StartMapping } from "./solver.ts";

/**
 * Solve; if some deadline work misses, solve again with that work planned past its deadline and
 * each hour late priced (model.ts `late`), so a late job still gets the capacity — rented too, if
 * its client may burst — that finishes it soonest. A plan without misses is solved once, unchanged.
 * The second solve starts from the first's optimal basis (startFrom): rows and columns matched by
 * name (lp-keys.ts), the new ones (lateness, work past the deadline) nonbasic or slack.
 */
export function solveWithLateness(input: LpStageInput, first: LpProblem):
  { ok: true; stats: LpStats; reading: LpReading; problem: LpProblem } | { ok: false; reason: string; stats: LpStats } {
  const solve = (p: LpProblem, startFrom?: StartFrom) => {
    const m = p.built.model;
    const stats: LpStats = { status: "unsolved", columns: m.numCols, rows: m.numRows, nonzeros: m.index.length, groups: p.groups.length, resources: p.resources.length, slots: p.grid.count };
    const sol = input.solver.solve(m, { timeLimitSec: input.timeLimitSec, ...(startFrom ? { startFrom } : {}) });
    stats.status = sol.status;
    return { sol, stats };
  };
  const a = solve(first);
  if (a.sol.status !== "optimal") return { ok: false, reason: `LP solver ${a.sol.status}${a.sol.detail ? ` (${a.sol.detail})` : ""}`, stats: a.stats };
  const reading = readSolution(first.built, first.groups, first.resources.length, first.grid, a.sol.colValue, a.sol.rowDual);
  const late = new Set(first.groups.filter((g) => g.dueAt !== null && reading.missH[g.index]! > MISS_EPS_H).map((g) => g.index));
  if (late.size === 0) return { ok: true, stats: a.stats, reading, problem: first };
  const second = withLateness(first, late);
  const b = solve(second, startFromOf(first.built, second.built));
  // The first plan stands if the second solve fails (it is still a plan, only without lateness priced).
  if (b.sol.status !== "optimal") return { ok: true, stats: a.stats, reading, problem: first };
  return { ok: true, stats: b.stats, reading: readSolution(second.built, second.groups, second.resources.length, second.grid, b.sol.colValue, b.sol.rowDual), problem: second };
}

/**
 * Where each of `to`'s columns and rows sits in `from` (−1: new; null when names repeat), built at
 * the first ask and kept: a solver that starts cold (a replayed plan of record) never pays for it.
 */
export function startFromOf(from: BuiltModel, to: BuiltModel): StartFrom {
  let mapped: StartMapping | null | undefined;
  const map = (): StartMapping | null => {
    const colFrom = keyMap(colKeys(from.cols), colKeys(to.cols));
    const rowFrom = colFrom && keyMap(from.rowKeys, to.rowKeys);
    return colFrom && rowFrom ? { colFrom, rowFrom } : null;
  };
  return { model: from.model, mapping: () => (mapped === undefined ? (mapped = map()) : mapped) };
}

/** Reference hours of a miss that count (below it, solver noise). */
export const MISS_EPS_H = 1e-6;
