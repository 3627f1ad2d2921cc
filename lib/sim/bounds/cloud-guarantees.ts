/**
 * `cloud_cost_lb_guarantees`: the least cloud cost (spot) of meeting every deadline a schedule
 * can meet, for a schedule that also honours what the offline bound (lib/planner/bounds) ignores:
 * - budgets: each client's spend ≤ its budget; ownership: a rented node works for the client
 *   that rented it (cloud work is per job, within the offer's instance limit);
 * - boot latency rounded UP: a job's cloud work starts at the first slot boundary after its
 *   submission + boot (a fleet cannot be rented for work not yet submitted);
 * - guarantees: the reservation of flow-lp.ts (others keep off a client's owed slots while it
 *   surely has demand).
 * - work: each task's true runtime plus the failed attempts every run repeats before its good one
 *   (model.ts `retries`; faults are drawn per task and attempt, so no schedule avoids them).
 * Deadlines are soft at a large penalty, so jobs no schedule can finish (taskFits, or the joint
 * capacity) do not make the LP infeasible; their missing work is reported, not priced.
 */
import { flowLp } from "./flow-lp.ts";
import type { LpSolver } from "./lp.ts";
import type { BoundModel } from "./model.ts";

const MISS_PER_PART = 1e6;

export interface CloudGuaranteeLb { cost: number; unmetParts: number; status: string }

export function cloudCostLbGuarantees(m: BoundModel, solve: LpSolver): CloudGuaranteeLb {
  const jobs = m.jobs.filter((j) => j.dueAt !== null && j.parts.length > 0);
  if (jobs.length === 0) return { cost: 0, unmetParts: 0, status: "Empty" };
  const { lp, cols } = flowLp(m, { jobs, late: false, bootWholeSlots: true, guarantees: true });
  const cover = jobs.map((job) => job.parts.map(() => new Map<string, number>()));
  for (const c of cols) {
    cover[c.j]![c.p]!.set(c.name, c.perHour);
    if (c.cloud) lp.cost(c.name, m.cloud[c.k]!.pricePerHour);
  }
  const miss: string[] = [];
  cover.forEach((parts, j) => parts.forEach((terms, p) => {
    const s = `s${j}_${p}`;
    miss.push(s);
    terms.set(s, 1);
    lp.bound(s, 1);
    lp.cost(s, MISS_PER_PART);
    lp.row(`cover${j}_${p}`, terms, ">=", 1);
  }));
  const r = solve(lp.text(), {});
  if (r.status !== "Optimal") throw new Error(`cloud bound under guarantees: LP ended "${r.status}"`);
  let cost = 0;
  for (const c of cols) if (c.cloud) cost += (r.values[c.name] ?? 0) * m.cloud[c.k]!.pricePerHour;
  const unmet = miss.reduce((s, v) => s + (r.values[v] ?? 0), 0);
  return { cost, unmetParts: unmet, status: r.status };
}
