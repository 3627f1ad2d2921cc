/**
 * The plan of record replays a solution only onto the same model: the same counts AND the same
 * sparsity pattern (a model with its groups in another order has the counts but not the columns).
 */
import { describe, expect, it } from "vitest";
import type { LpModel, LpSolution, LpSolver } from "../../../lib/planner/lp/solver.ts";
import { recording, replay, structureOf } from "../../../lib/solver/plan-of-record.ts";

/** Two columns, two rows: column j has one nonzero, in row `rows[j]`. */
function model(rows: [number, number]): LpModel {
  return {
    numCols: 2, numRows: 2, colCost: new Float64Array([1, 2]), colLower: new Float64Array(2), colUpper: new Float64Array([5, 5]),
    rowLower: new Float64Array([1, 1]), rowUpper: new Float64Array([9, 9]), start: new Int32Array([0, 1, 2]), index: new Int32Array(rows), value: new Float64Array([1, 1]),
  };
}

const solved: LpSolver = { solve: (): LpSolution => ({ status: "optimal", colValue: new Float64Array([1, 3]), rowDual: new Float64Array(2), solveMs: 7 }) };

describe("plan of record", () => {
  it("replays onto the same model, not onto one with the same counts and other columns", () => {
    const rec = recording(solved);
    rec.solve(model([0, 1]), { timeLimitSec: 1 });
    expect(structureOf(model([0, 1]))).toBe(structureOf(model([0, 1])));
    expect(structureOf(model([1, 0]))).not.toBe(structureOf(model([0, 1])));
    const same = replay(rec.last!).solve(model([0, 1]), { timeLimitSec: 1 });
    expect(same.status).toBe("optimal");
    expect([...same.colValue]).toEqual([1, 3]);
    expect(same.solveMs).toBe(0);
    const swapped = replay(rec.last!).solve(model([1, 0]), { timeLimitSec: 1 });
    expect(swapped.status).toBe("error");
    expect(swapped.detail).toContain("re-solve");
  });
});
