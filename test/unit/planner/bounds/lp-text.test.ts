import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { cloudLowerBound, cloudLpText, energyLowerBound, energyLpText, unavoidablyLate } from "../../../../lib/planner/bounds/index.ts";
import type { BoundsInstance } from "../../../../lib/planner/bounds/instance.ts";
import { anInstance } from "./arbitrary-instance.ts";
import { type LinearProgram, solveLp } from "./dense-simplex.ts";
import { cloudLp } from "./lp-from-instance.ts";

/** Reads back the subset of CPLEX-LP the writer uses (minimise, linear rows, default x ≥ 0). */
function parseLp(text: string): LinearProgram {
  const lines = text.split("\n").map((l) => l.trim()).filter((l) => l && !l.startsWith("\\"));
  const names = new Map<string, number>();
  const idx = (v: string) => { if (!names.has(v)) names.set(v, names.size); return names.get(v)!; };
  const terms = (expr: string) => [...expr.matchAll(/([+-]?)\s*([0-9.e+-]+)\s+([A-Za-z_][\w]*)/g)].map((m) => ({ c: (m[1] === "-" ? -1 : 1) * Number(m[2]), v: idx(m[3]!) }));
  expect(lines[0]).toBe("Minimize");
  const obj = terms(lines[1]!.replace(/^obj:/, ""));
  expect(lines[2]).toBe("Subject To");
  const rows = lines.slice(3, lines.indexOf("End")).map((l) => {
    const m = /^(\w+):\s*(.*)\s+(<=|>=|=)\s+([0-9.e+-]+)$/.exec(l);
    if (!m) throw new Error(`unparsed LP row: ${l}`);
    return { terms: terms(m[2]!), sense: m[3] as "<=" | ">=" | "=", b: Number(m[4]) };
  });
  const dense = (ts: { c: number; v: number }[]) => { const a = new Array<number>(names.size).fill(0); for (const { c, v } of ts) a[v]! += c; return a; };
  return { c: dense(obj), rows: rows.map((r) => ({ a: dense(r.terms), sense: r.sense, b: r.b })) };
}

const RUNS = { numRuns: 60, seed: 515 };

describe("the LP text a user can feed to their own solver", () => {
  it("has the same optimum as the cloud LP the bound is proven against", () => {
    fc.assert(fc.property(anInstance(), (inst) => {
      const late = new Set(unavoidablyLate(inst));
      const mine = solveLp(cloudLp(inst, inst.jobs.filter((j) => !late.has(j.id))));
      const text = solveLp(parseLp(cloudLpText(inst)));
      expect(text.status).toBe(mine.status);
      if (mine.status === "optimal") {
        expect(text.value).toBeCloseTo(mine.value, 6);
        expect(cloudLowerBound(inst).cost).toBeLessThanOrEqual(text.value + 1e-6 * (1 + text.value));
      }
    }), RUNS);
  });

  it("prices energy at no less than the energy bound", () => {
    fc.assert(fc.property(anInstance(), (inst: BoundsInstance) => {
      const lp = solveLp(parseLp(energyLpText(inst)));
      fc.pre(lp.status === "optimal");
      expect(energyLowerBound(inst).cost).toBeLessThanOrEqual(lp.value + 1e-6 * (1 + Math.abs(lp.value)));
    }), RUNS);
  });

  it("names jobs and classes so a solution can be read back", () => {
    const inst: BoundsInstance = { slot_minutes: 60, slots: 2, tariff: [0.1, 0.2], classes: [{ name: "cpu", local_nodes: 1, power_kw_busy: 0.5, cloud_price_per_node_hour: 0.6, cloud_boot_slots: 1 }], jobs: [{ id: "shot-1", release_slot: 0, deadline_slot: 2, work_node_hours: { cpu: 3 }, max_parallel: 2, cloud_allowed: true }] };
    expect(cloudLpText(inst)).toBe([
      "\\ least cloud cost to meet every deadline (burstfarm bounds, cloud.ts)",
      "\\ jobs: 0=shot-1",
      "\\ classes: 0=cpu",
      "Minimize",
      " obj: 0.6 y_0_0_1",
      "Subject To",
      " cover_0: 0.3333333333333333 x_0_0_0 + 0.3333333333333333 x_0_0_1 + 0.3333333333333333 y_0_0_1 >= 1",
      " par_0_0: 1 x_0_0_0 <= 2",
      " par_0_1: 1 x_0_0_1 + 1 y_0_0_1 <= 2",
      " cap_0_0: 1 x_0_0_0 <= 1",
      " cap_0_1: 1 x_0_0_1 <= 1",
      "End",
      "",
    ].join("\n"));
  });
});
