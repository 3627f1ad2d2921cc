/**
 * HiGHS adapter options (lib/solver/highs-solver.ts), both opt-in: the warm start reuses the last
 * optimal basis when the next model has the same shape and reaches the same optimum; Devex
 * pricing reaches the same optimum as the defaults.
 */
import { describe, expect, it } from "vitest";
import { defaultPolicy, plan } from "../../../lib/planner/index.ts";
import type { LpModel } from "../../../lib/planner/lp/solver.ts";
import type { Snapshot } from "../../../lib/planner/types.ts";
import { loadHighsSolver } from "../../../lib/solver/highs-solver.ts";
import { generateFarm } from "../../builders/farm-generator.ts";

/** The planner's LP for a generated farm at `now` (captured through the solver port). */
async function modelOf(tasks: number, nodes: number, seed: number, shift = 0, event?: (s: Snapshot) => void): Promise<LpModel> {
  const { snapshot, now } = generateFarm({ tasks, nodes, seed });
  event?.(snapshot);
  const inner = await loadHighsSolver();
  let model: LpModel | null = null;
  plan(snapshot, defaultPolicy, now + shift, { solver: { solve: (m, o) => { model = m; return inner.solve(m, o); } } });
  return model!;
}

const objective = (m: LpModel, x: Float64Array) => m.colCost.reduce((s, c, j) => s + c * x[j]!, 0);
const LIMIT = { timeLimitSec: 10 };

describe("HiGHS warm start", () => {
  it("starts the next same-shape solve from the last basis: same optimum, far fewer iterations", async () => {
    const a = await modelOf(3000, 120, 5, 1000);
    // The next event: a frame done on a busy node a second later (same slot window, same shape).
    const b = await modelOf(3000, 120, 5, 2000, (s) => {
      const node = s.nodes.find((n) => n.pool === "onprem" && n.leases.length > 0)!;
      const lease = node.leases.pop()!;
      const step = s.jobs.find((j) => j.id === lease.jobId)!.steps.find((st) => st.name === lease.stepName)!;
      step.runningTasks = Math.max(0, step.runningTasks - 1);
      step.doneTasks++;
    });
    expect([b.numCols, b.numRows]).toEqual([a.numCols, a.numRows]);
    const cold = await loadHighsSolver();
    const warm = await loadHighsSolver({ warmStart: true });
    warm.solve(a, LIMIT);
    expect(warm.lastWarm).toBe(false);
    const w = warm.solve(b, LIMIT);
    expect(warm.lastWarm).toBe(true);
    const c = cold.solve(b, LIMIT);
    expect(cold.lastWarm).toBe(false);
    expect(w.status).toBe("optimal");
    expect(objective(b, w.colValue)).toBeCloseTo(objective(b, c.colValue), 6);
    expect(cold.lastIterations).toBeGreaterThan(50);
    expect(warm.lastIterations).toBeLessThan(cold.lastIterations / 2);
    // Solving the same model again from its own optimal basis needs no pivot.
    warm.solve(b, LIMIT);
    expect(warm.lastIterations).toBe(0);
  });

  it("solves cold when the shape changed, and never warm unless asked", async () => {
    const a = await modelOf(3000, 120, 5);
    const other = await modelOf(800, 40, 9);
    expect(other.numCols).not.toBe(a.numCols);
    const warm = await loadHighsSolver({ warmStart: true });
    warm.solve(a, LIMIT);
    const sol = warm.solve(other, LIMIT);
    expect(sol.status).toBe("optimal");
    expect(warm.lastWarm).toBe(false);
    const plain = await loadHighsSolver();
    plain.solve(a, LIMIT);
    plain.solve(a, LIMIT);
    expect(plain.lastWarm).toBe(false);
    expect(plain.lastIterations).toBeGreaterThan(50);
  });

  it("keeps a basis per shape: a cycle that solves two shapes (plain, then with lateness) warm-starts both next cycle", async () => {
    const a = await modelOf(3000, 120, 5);
    const other = await modelOf(800, 40, 9);
    const warm = await loadHighsSolver({ warmStart: true });
    warm.solve(a, LIMIT);
    warm.solve(other, LIMIT);
    warm.solve(a, LIMIT);
    expect(warm.lastWarm).toBe(true);
    expect(warm.lastIterations).toBe(0);
    warm.solve(other, LIMIT);
    expect(warm.lastWarm).toBe(true);
    expect(warm.lastIterations).toBe(0);
  });
});

describe("HiGHS Devex pricing", () => {
  it("reaches the defaults' optimal objective on the planner's models, by a different pivot path", async () => {
    const plain = await loadHighsSolver();
    const devex = await loadHighsSolver({ pricing: "devex" });
    for (const m of [await modelOf(3000, 120, 5), await modelOf(1200, 60, 3)]) {
      const a = plain.solve(m, LIMIT);
      const itersDefault = plain.lastIterations;
      const b = devex.solve(m, LIMIT);
      expect(a.status).toBe("optimal");
      expect(b.status).toBe("optimal");
      expect(objective(m, b.colValue)).toBeCloseTo(objective(m, a.colValue), 6);
      expect(devex.lastIterations).toBeGreaterThan(0);
      expect(devex.lastIterations).not.toBe(itersDefault);
    }
  });
});
