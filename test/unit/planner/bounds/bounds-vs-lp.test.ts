import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { cloudLowerBound, energyLowerBound, unavoidablyLate } from "../../../../lib/planner/bounds/index.ts";
import type { BoundsInstance } from "../../../../lib/planner/bounds/instance.ts";
import { anInstance } from "./arbitrary-instance.ts";
import { solveLp } from "./dense-simplex.ts";
import { cloudLp, energyLp } from "./lp-from-instance.ts";

const RUNS = { numRuns: 150, seed: 20261123 };
const close = (a: number, b: number) => Math.abs(a - b) <= 1e-6 * (1 + Math.abs(b));

function onTimeJobs(inst: BoundsInstance) {
  const late = new Set(unavoidablyLate(inst));
  return inst.jobs.filter((j) => !late.has(j.id));
}

describe("cloudLowerBound against the exact LP", () => {
  it("never exceeds the LP optimum, in money and in node-hours; says infeasible only when it is", () => {
    let compared = 0;
    fc.assert(fc.property(anInstance(), (inst) => {
      const bound = cloudLowerBound(inst);
      const jobs = onTimeJobs(inst);
      const money = solveLp(cloudLp(inst, jobs));
      const hours = solveLp(cloudLp(inst, jobs, true));
      if (money.status === "optimal") { compared++; expect(bound.cost).toBeLessThanOrEqual(money.value + 1e-6 * (1 + money.value)); }
      if (hours.status === "optimal") expect(bound.nodeHours).toBeLessThanOrEqual(hours.value + 1e-6 * (1 + hours.value));
      expect(bound.cost).toBeGreaterThanOrEqual(0);
      if (!bound.feasible) expect(money.status).toBe("infeasible");
    }), RUNS);
    expect(compared).toBeGreaterThan(50);
  });

  it("never exceeds the LP optimum on larger instances (3 classes, 7 jobs, 7 slots)", () => {
    fc.assert(fc.property(anInstance({ maxClasses: 3, maxJobs: 7, maxSlots: 7 }), (inst) => {
      const lp = solveLp(cloudLp(inst, onTimeJobs(inst)));
      const bound = cloudLowerBound(inst);
      if (lp.status === "optimal") expect(bound.cost).toBeLessThanOrEqual(lp.value + 1e-6 * (1 + lp.value));
      if (!bound.feasible) expect(lp.status).toBe("infeasible");
    }), { numRuns: 40, seed: 77 });
  });

  it("equals the LP optimum with one class and all work released", () => {
    let positive = 0;
    fc.assert(fc.property(anInstance({ classes: 1, released: true, noParallelCap: true }), (inst) => {
      const lp = solveLp(cloudLp(inst, onTimeJobs(inst)));
      fc.pre(lp.status === "optimal");
      if (lp.value > 0) positive++;
      const bound = cloudLowerBound(inst);
      expect(close(bound.cost, lp.value)).toBe(true);
      expect(bound.feasible).toBe(true);
    }), RUNS);
    expect(positive).toBeGreaterThan(10);
  });
});

describe("cloudLowerBound's infeasibility flag", () => {
  it("is raised only when no schedule meets every deadline, and is raised for some", () => {
    let flagged = 0;
    fc.assert(fc.property(anInstance({ mostlyNoCloud: true }), (inst) => {
      const bound = cloudLowerBound(inst);
      if (bound.feasible) return;
      flagged++;
      expect(solveLp(cloudLp(inst, onTimeJobs(inst))).status).toBe("infeasible");
    }), RUNS);
    expect(flagged).toBeGreaterThan(0);
  });
});

describe("unavoidablyLate against the LP", () => {
  it("names exactly the jobs whose LP alone is infeasible", () => {
    fc.assert(fc.property(anInstance(), (inst) => {
      const late = new Set(unavoidablyLate(inst));
      for (const j of inst.jobs) {
        const alone = solveLp(cloudLp(inst, [j]));
        expect(late.has(j.id)).toBe(alone.status === "infeasible");
      }
    }), RUNS);
  });
});

describe("energyLowerBound against the exact LP", () => {
  const withLocal = (inst: BoundsInstance): BoundsInstance => ({
    ...inst,
    jobs: inst.jobs.filter((j) => inst.classes.some((c) => j.work_node_hours[c.name] !== undefined && (Array.isArray(c.local_nodes) ? c.local_nodes.some((n) => n > 0) : c.local_nodes > 0))),
  });

  it("is optimal with one class and all work released", () => {
    let checked = 0;
    fc.assert(fc.property(anInstance({ classes: 1, released: true, noParallelCap: true }), (raw) => {
      const inst = withLocal(raw);
      const lp = solveLp(energyLp(inst));
      const bound = energyLowerBound(inst);
      fc.pre(lp.status === "optimal" && bound.unplacedNodeHours === 0);
      checked++;
      expect(bound.exact).toBe(true);
      expect(close(bound.cost, lp.value)).toBe(true);
    }), RUNS);
    expect(checked).toBeGreaterThan(30);
  });

  it("never exceeds the LP; its schedule never beats it; exact means equal", () => {
    let exact = 0;
    let inexact = 0;
    fc.assert(fc.property(anInstance(), (raw) => {
      const inst = withLocal(raw);
      const lp = solveLp(energyLp(inst));
      const bound = energyLowerBound(inst);
      fc.pre(lp.status === "optimal");
      expect(bound.cost).toBeLessThanOrEqual(lp.value + 1e-6 * (1 + Math.abs(lp.value)));
      if (bound.unplacedNodeHours === 0) expect(bound.scheduleCost).toBeGreaterThanOrEqual(lp.value - 1e-6 * (1 + Math.abs(lp.value)));
      if (bound.exact) { exact++; expect(close(bound.cost, lp.value)).toBe(true); } else inexact++;
    }), RUNS);
    expect(exact).toBeGreaterThan(10);
    expect(inexact).toBeGreaterThan(0);
  });
});
