/**
 * The LP model of record (lib/planner/lp/groups.ts, model.ts and its row modules), asserted on
 * the model and its solution rather than on the rounded first slot.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { defaultPolicy } from "../../../lib/planner/index.ts";
import type { LpSolver } from "../../../lib/planner/lp/solver.ts";
import { loadHighsSolver } from "../../../lib/solver/highs-solver.ts";
import { aClient, aJob, anOffer, aSnapshot, HOUR, nodes, T0 } from "../../builders/planner.ts";
import { lpProblemOf, solveProblem } from "./lp-model-support.ts";

let solver: LpSolver;
beforeAll(async () => { solver = await loadHighsSolver(); });

describe("job groups", () => {
  it("filter slow hardware per requirement set and kind: CPU and GPU jobs on the same requirements keep their own classes", () => {
    const cpuBoxes = nodes("cpu", 3, (b) => b.speed("render-gpu", 0.1));
    const gpuBoxes = nodes("gpu", 2, (b) => b.gpu(1).speed("render-gpu", 1));
    for (const order of [["G", "C"], ["C", "G"]]) {
      const jobs = {
        G: aJob("G").kind("render-gpu").tasks(10).due(T0 + 2 * HOUR).build(),
        C: aJob("C").kind("render-cpu").tasks(10).due(T0 + 20 * HOUR).build(),
      } as const;
      const p = lpProblemOf(aSnapshot({ nodes: [...cpuBoxes, ...gpuBoxes], jobs: order.map((id) => jobs[id as "G" | "C"]) }), defaultPolicy, T0);
      const cpu = p.groups.find((g) => g.kind === "render-cpu")!;
      const gpu = p.groups.find((g) => g.kind === "render-gpu")!;
      const cpuLabels = cpu.resources.map((r) => r.label).join(";");
      expect(cpu.resources.reduce((s, r) => s + r.slots, 0), `order ${order}: ${cpuLabels}`).toBe(5);
      expect(gpu.resources.reduce((s, r) => s + r.slots, 0), `order ${order}`).toBe(2);
      for (const r of gpu.resources) expect(r.speed.get("render-gpu")).toBeGreaterThanOrEqual(0.25);
    }
  });
});
