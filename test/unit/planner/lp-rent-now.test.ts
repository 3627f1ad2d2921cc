/**
 * What the LP rents now (lib/planner/lp/rent-now.ts): not insurance for a margin that can be
 * bought later. Client C may not rent; its job due at +6 h fits the farm before its deadline but not
 * before its due time (a tenth of the time left, 36 minutes, kept for drift), so the plan of record
 * rents for A's job due at +2 h to free the farm for C. A's job due at +10 h could still rent later
 * and free the farm for C, and C's margin shrinks meanwhile: nothing is rented now. Without work that
 * may rent due after C's, the margin can only be kept now, and the plan rents for it.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { defaultPolicy, plan } from "../../../lib/planner/index.ts";
import type { LpSolver } from "../../../lib/planner/lp/solver.ts";
import { loadHighsSolver } from "../../../lib/solver/highs-solver.ts";
import { HOUR, T0, aClient, aJob, aSnapshot, nodes } from "../../builders/planner.ts";
import { CPU_OFFERS } from "./lp-rents.ts";

let solver: LpSolver;
beforeAll(async () => { solver = await loadHighsSolver(); });

// Eight nodes, 10-minute tasks: 288 fit in 6 h, about 254 before C's due time; 270 are due by +6 h.
const rentedNow = (laterWork: boolean) => {
  const jobs = [
    aJob("a-soon").forClient("A").due(T0 + 2 * HOUR).tasks(80, 600).build(),
    aJob("c").forClient("C").noCloud().due(T0 + 6 * HOUR).tasks(190, 600).build(),
    ...(laterWork ? [aJob("a-later").forClient("A").due(T0 + 10 * HOUR).tasks(10, 600).build()] : []),
  ];
  const p = plan(aSnapshot({ clients: [aClient("A"), aClient("C")], jobs, nodes: nodes("n", 8), cloudOffers: CPU_OFFERS }), defaultPolicy, T0, { solver });
  expect(p.planner?.mode, p.planner?.reason).toBe("lp");
  return p.burst.reduce((n, b) => n + b.count, 0);
};

describe("what the LP rents now", () => {
  it("rents nothing for a client's margin that work due later could still rent for", () => {
    expect(rentedNow(true)).toBe(0);
  });

  it("rents for it when no work that may rent is due later", () => {
    expect(rentedNow(false)).toBeGreaterThan(0);
  });
});
