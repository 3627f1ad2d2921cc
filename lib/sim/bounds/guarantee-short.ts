/**
 * `guarantee_short_lb_node_h`: whether a schedule meeting every deadline it can meet also keeps
 * every guarantee — the "0 guarantee client-minutes where a schedule meeting all deadlines
 * allows it". The fluid schedule of flow-lp.ts with the guarantee rows soft (reservation and
 * serve, one shortfall column per client and slot) and cloud within budgets, at any cost:
 * minimise late work first, then the node-hours clients go without their owed nodes. 0 means
 * deadlines leave room for every guarantee, so every guarantee client-minute is avoidable.
 */
import { flowLp } from "./flow-lp.ts";
import type { LpSolver } from "./lp.ts";
import type { BoundModel } from "./model.ts";

const LATE_PER_NODE_HOUR = 1e3;
const UNPLACED_PER_PART = 1e6;

export function guaranteeShortLb(m: BoundModel, solve: LpSolver): number {
  const jobs = m.jobs.filter((j) => j.parts.length > 0);
  if (!m.clients.some((c) => c.guaranteedShare > 0) || jobs.length === 0) return 0;
  const { lp, cols, guaranteeShort } = flowLp(m, { jobs, late: true, guarantees: true, serveGuarantees: true });
  for (const s of guaranteeShort) lp.cost(s, 1);
  const cover = jobs.map((job) => job.parts.map(() => new Map<string, number>()));
  for (const c of cols) {
    cover[c.j]![c.p]!.set(c.name, c.perHour);
    if (c.late) lp.cost(c.name, LATE_PER_NODE_HOUR);
  }
  cover.forEach((parts, j) => parts.forEach((terms, p) => {
    const u = `u${j}_${p}`;
    terms.set(u, 1);
    lp.bound(u, 1);
    lp.cost(u, UNPLACED_PER_PART);
    lp.row(`cover${j}_${p}`, terms, ">=", 1);
  }));
  const r = solve(lp.text(), {});
  if (r.status !== "Optimal") throw new Error(`guarantee bound: LP ended "${r.status}"`);
  return guaranteeShort.reduce((s, v) => s + (r.values[v] ?? 0), 0);
}
