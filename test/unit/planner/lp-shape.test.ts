/**
 * The LP keeps its shape while the clock runs within a slot: the plan of record replays only onto
 * the same sparsity pattern (lib/solver/plan-of-record.ts), so inputs that moved with every second
 * (a waiting job's release, a slot-0 task's credit) would make every event re-solve.
 */
import { describe, expect, it } from "vitest";
import { defaultPolicy } from "../../../lib/planner/index.ts";
import { structureOf } from "../../../lib/solver/plan-of-record.ts";
import { generateFarm } from "../../builders/farm-generator.ts";
import { lpProblemOf } from "./lp-model-support.ts";

describe("the LP's shape within a slot", () => {
  it.each([
    ["dependencies and extras", { tasks: 3_000, nodes: 150, seed: 11, extras: true }],
    ["a loaded farm", { tasks: 10_000, nodes: 500, seed: 42 }],
  ])("is the same for every second of the slot's first minute (%s)", (_, params) => {
    const { snapshot, now } = generateFarm(params);
    const start = Math.floor(now / 300_000) * 300_000 + 1000;
    const shapes = [0, 7_000, 23_000, 41_000, 59_000].map((dt) => structureOf(lpProblemOf(structuredClone(snapshot), defaultPolicy, start + dt).built.model));
    expect(new Set(shapes).size).toBe(1);
  });
});
