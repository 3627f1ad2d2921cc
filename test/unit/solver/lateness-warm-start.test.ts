/**
 * A cycle whose first solve misses re-solves with lateness priced (planner/lp/solve-lateness.ts);
 * that second solve starts from the first's optimal basis, rows and columns matched by name
 * (planner/lp/lp-keys.ts): the same optimum in a fraction of the iterations, and the plan still a
 * function of the snapshot alone.
 */
import { describe, expect, it } from "vitest";
import { defaultPolicy, plan } from "../../../lib/planner/index.ts";
import type { LpModel, LpSolution, SolveOptions, StartFrom } from "../../../lib/planner/lp/solver.ts";
import { loadHighsSolver, type HighsSolver } from "../../../lib/solver/highs-solver.ts";
import { generateFarm } from "../../builders/farm-generator.ts";

const objective = (m: LpModel, x: Float64Array) => m.colCost.reduce((s, c, j) => s + c * x[j]!, 0);
const LIMIT = { timeLimitSec: 60 };
/** A generated farm whose first solve misses (as in plan-identity.test.ts "extras"). */
const FARM = { tasks: 3_000, nodes: 150, seed: 11, extras: true } as const;

interface Solve { model: LpModel; options: SolveOptions; sol: LpSolution; warm: boolean; iterations: number }

/** plan() on the farm through `solver`, every solve captured. */
function planLogged(solver: HighsSolver) {
  const { snapshot, now } = generateFarm(FARM);
  const solves: Solve[] = [];
  const result = plan(snapshot, defaultPolicy, now, {
    solverTimeLimitSec: LIMIT.timeLimitSec,
    solver: { solve: (model, options) => { const sol = solver.solve(model, options); solves.push({ model, options, sol, warm: solver.lastWarm, iterations: solver.lastIterations }); return sol; } },
  });
  return { result, solves };
}

describe("the lateness re-solve starts from the first solve's basis", () => {
  it("maps every row and column of the first model, starts warm, and reaches the cold optimum in far fewer iterations", async () => {
    const { result, solves } = planLogged(await loadHighsSolver());
    expect(result.planner?.mode).toBe("lp");
    expect(solves).toHaveLength(2);
    const [a, b] = solves as [Solve, Solve];
    expect(a.options.startFrom).toBeUndefined();
    const from = b.options.startFrom!;
    expect(from.model).toBe(a.model);
    // Each row and column of the first model is named once in the second (no row without a key, no key twice).
    const covered = (map: Int32Array) => [...map].filter((i) => i >= 0).sort((x, y) => x - y);
    const map = from.mapping()!;
    expect(covered(map.rowFrom)).toEqual([...Array(a.model.numRows).keys()]);
    expect(covered(map.colFrom)).toEqual([...Array(a.model.numCols).keys()]);
    expect(b.model.numRows).toBeGreaterThan(a.model.numRows);
    expect(b.warm).toBe(true);
    const cold = await loadHighsSolver();
    const c = cold.solve(b.model, LIMIT);
    expect(cold.lastWarm).toBe(false);
    expect(b.sol.status).toBe("optimal");
    const obj = objective(b.model, b.sol.colValue);
    expect(Math.abs(obj - objective(b.model, c.colValue))).toBeLessThan(1e-9 * Math.abs(obj));
    expect(cold.lastIterations).toBeGreaterThan(500);
    expect(b.iterations).toBeLessThan(cold.lastIterations / 5);
  });

  it("gives the same plan every time, whatever the solver solved before", async () => {
    const shared = await loadHighsSolver();
    const one = planLogged(shared);
    const two = planLogged(shared);
    const fresh = planLogged(await loadHighsSolver());
    expect(two.solves[1]!.warm).toBe(true);
    expect(JSON.stringify(two.result)).toBe(JSON.stringify(one.result));
    expect(JSON.stringify(fresh.result)).toBe(JSON.stringify(one.result));
  });

  it("solves cold when the start does not refer to its last solve, or leaves a basic too few", async () => {
    const { solves } = planLogged(await loadHighsSolver());
    const [a, b] = solves as [Solve, Solve];
    const from = b.options.startFrom!;
    const solver = await loadHighsSolver();
    // Another model solved last: the basis is not the one the map refers to.
    solver.solve(b.model, LIMIT);
    solver.solve(b.model, { ...LIMIT, startFrom: from });
    expect(solver.lastWarm).toBe(false);
    // A new row marked as an old nonbasic one: one basic fewer than rows, not a basis.
    solver.solve(a.model, LIMIT);
    const map = from.mapping()!;
    const newRow = map.rowFrom.indexOf(-1);
    // A row with a nonzero dual is binding: nonbasic in the optimal basis.
    const binding = a.sol.rowDual.findIndex((d) => Math.abs(d) > 1e-9);
    expect(newRow).toBeGreaterThanOrEqual(0);
    expect(binding).toBeGreaterThanOrEqual(0);
    const rowFrom = Int32Array.from(map.rowFrom);
    rowFrom[newRow] = binding;
    const wrong: StartFrom = { model: from.model, mapping: () => ({ colFrom: map.colFrom, rowFrom }) };
    const sol = solver.solve(b.model, { ...LIMIT, startFrom: wrong });
    expect(solver.lastWarm).toBe(false);
    expect(sol.status).toBe("optimal");
    // The right map, after the right solve: warm.
    solver.solve(a.model, LIMIT);
    solver.solve(b.model, { ...LIMIT, startFrom: from });
    expect(solver.lastWarm).toBe(true);
  });
});
