/**
 * The LP's on-prem resources (lib/planner/lp/resources.ts): node classes with the same requirement
 * sets, power bucket and speeds within 1.25× of each other are one LP resource; dispatch still
 * places on the real nodes of every merged class.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { defaultPolicy, plan } from "../../../lib/planner/index.ts";
import { buildResources } from "../../../lib/planner/lp/resources.ts";
import { slotGrid } from "../../../lib/planner/lp/slots.ts";
import type { LpSolver } from "../../../lib/planner/lp/solver.ts";
import { buildClasses, type NodeClass } from "../../../lib/planner/matching/node-classes.ts";
import type { FarmNode } from "../../../lib/planner/types.ts";
import { loadHighsSolver } from "../../../lib/solver/highs-solver.ts";
import { aJob, aSnapshot, HOUR, nodes, T0 } from "../../builders/planner.ts";

let solver: LpSolver;
beforeAll(async () => { solver = await loadHighsSolver(); });

const cpu = (prefix: string, count: number, speed: number, busyW = 450) => nodes(prefix, count, (b) => b.speed("render-cpu", speed).power(120, busyW));
const resourcesOf = (farm: FarmNode[], fits: (c: NodeClass) => string = () => "1") => {
  const { classes } = buildClasses(farm);
  return { classes, resources: buildResources(classes, fits, ["render-cpu"], slotGrid(T0, null), T0) };
};

describe("LP resources", () => {
  it("merges the speed variants of one box into one resource with the slot-weighted mean speed", () => {
    // 1.0 to 1.24: within 1.25× (log buckets of 1.5 would split 1.24 from the rest).
    const { classes, resources } = resourcesOf([...cpu("a", 2, 1.0), ...cpu("b", 3, 1.1), ...cpu("c", 5, 1.24)]);
    expect(classes).toHaveLength(3);
    expect(resources).toHaveLength(1);
    const r = resources[0]!;
    expect(r.index).toBe(0);
    expect(r.classes.map((c) => c.index)).toEqual([0, 1, 2]);
    expect(r.slots).toBe(10);
    expect(r.speed.get("render-cpu")).toBeCloseTo((2 * 1.0 + 3 * 1.1 + 5 * 1.24) / 10, 9);
    expect(r.label).toMatch(/\(\+2 similar\)$/);
    // Ten free nodes for the whole first slot.
    expect(r.readyHours[0]).toBeCloseTo(10 * (slotGrid(T0, null).hours[0]!), 9);
  });

  it("keeps apart classes beyond 1.25× in speed, in another power bucket, or with other requirement sets", () => {
    // 1.0 and 1.2 merge; 1.3 is more than 1.25× the slowest member, so it starts a resource of its own.
    const spread = resourcesOf([...cpu("a", 1, 1.0), ...cpu("b", 1, 1.2), ...cpu("c", 1, 1.3)]).resources;
    expect(spread.map((r) => r.classes.map((c) => c.index))).toEqual([[0, 1], [2]]);
    expect(spread.map((r) => r.index)).toEqual([0, 1]);
    // Same speed, twice the power per slot.
    expect(resourcesOf([...cpu("a", 1, 1.0), ...cpu("b", 1, 1.05, 900)]).resources).toHaveLength(2);
    // Same speed and power, but only one of them runs some requirement set.
    const { classes } = buildClasses([...cpu("a", 1, 1.0), ...cpu("b", 1, 1.05)]);
    const fits = (c: NodeClass) => (c.index === classes[0]!.index ? "10" : "11");
    expect(buildResources(classes, fits, ["render-cpu"], slotGrid(T0, null), T0)).toHaveLength(2);
    // A kind in demand that differs more than 1.25× splits too (GPU speed on otherwise equal boxes).
    const gpuFast = [...cpu("a", 1, 1.0), ...nodes("g", 1, (b) => b.speed("render-cpu", 1.0).speed("render-gpu", 2).power(120, 450))];
    const built = buildClasses(gpuFast);
    expect(buildResources(built.classes, () => "1", ["render-cpu"], slotGrid(T0, null), T0)).toHaveLength(1);
    expect(buildResources(built.classes, () => "1", ["render-cpu", "render-gpu"], slotGrid(T0, null), T0)).toHaveLength(2);
  });

  it("plans the merged resource as one and dispatches onto the real nodes of every merged class at their own speeds", () => {
    const farm = [...cpu("a", 4, 0.9), ...cpu("b", 4, 1.0), ...cpu("c", 4, 1.1)];
    const snapshot = aSnapshot({
      nodes: farm,
      jobs: [aJob("j1").forClient("A").due(T0 + 8 * HOUR).tasks(30, 1200).build(), aJob("j2").forClient("B").due(T0 + 10 * HOUR).tasks(30, 1200).build()],
    });
    const p = plan(snapshot, defaultPolicy, T0, { solver });
    expect(p.planner?.mode, p.planner?.reason).toBe("lp");
    expect(p.planner?.lp?.resources).toBe(1);
    const byId = new Map(farm.map((n) => [n.id, n]));
    const started = p.assignments.filter((a) => !a.queued);
    expect(new Set(started.map((a) => a.nodeId))).toEqual(new Set(farm.map((n) => n.id)));
    for (const a of started) {
      const n = byId.get(a.nodeId)!;
      expect(a.estimatedSec, a.nodeId).toBe(Math.round(1200 / n.speed["render-cpu"]!));
    }
    expect(started).toHaveLength(12);
  });
});
