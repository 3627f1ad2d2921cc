/**
 * The least number of deadline misses ANY schedule can reach, jointly over all jobs (a lower
 * bound, so `misses − bound` is the misses a policy could have avoided):
 * 1. A job is late whatever happens if, for some part (tasks are never split below their
 *    length): its longest task fits nowhere in its window — on no local class within [submit,
 *    deadline), on no cloud offer within [submit + boot, deadline) — or it has more tasks than
 *    the nodes that could take them can complete: a node of class k runs at most
 *    ⌊window ÷ shortest task on k⌋ of them, and at most min(tasks, nodes of k) nodes help.
 *    So is a job with a task that fails every attempt it is allowed (model.ts `exhausted`).
 * 2. The others share the farm: the MIP  min Σ z_j  over the fluid schedule (flow-lp.ts) with
 *    cover  Σ x/w + Σ y/w + z_j ≥ 1  for every part of job j, z_j ∈ {0, 1}. Any real schedule
 *    gives a feasible point (z = its late jobs), so the optimum is ≤ its misses. The LP
 *    relaxation is solved first: 0 ends it; else the MIP (time-limited; if it stops early,
 *    ⌈LP⌉ is used, still a valid bound).
 * Deadlines past the horizon count at the horizon (unfinished jobs are misses).
 */
import { flowLp } from "./flow-lp.ts";
import type { LpSolver } from "./lp.ts";
import type { BoundJob, BoundModel } from "./model.ts";

export interface MissBound {
  /** Least misses any schedule reaches (a lower bound). */
  lowerBound: number;
  /** Jobs late whatever happens (a task longer than its window, or one that exhausts its retries). */
  forcedLate: string[];
  /** How the joint part was settled. */
  method: "none" | "lp" | "mip" | "lp-ceil";
}

/** Can every part's tasks, whole, fit its window (longest task; task count per node)? */
export function taskFits(m: BoundModel, j: BoundJob): boolean {
  const due = Math.min(m.endAt, j.dueAt ?? m.endAt);
  return j.parts.every((p) => {
    let longestFits = false;
    let completable = 0;
    for (const [k, h] of p.longestLocal) {
      const windowH = (due - j.submitAt) / 3600_000;
      if (h <= windowH) longestFits = true;
      const nodes = Math.min(p.tasks, Math.max(0, ...m.local[k]!.nodes));
      completable += nodes * Math.max(0, Math.floor(windowH / p.shortestLocal.get(k)! + 1e-9));
    }
    for (const [o, h] of p.longestCloud) {
      const windowH = (due - j.submitAt - m.cloud[o]!.bootSec * 1000) / 3600_000;
      if (h <= windowH) longestFits = true;
      completable += Math.min(p.tasks, m.cloud[o]!.maxNodes) * Math.max(0, Math.floor(windowH / p.shortestCloud.get(o)! + 1e-9));
    }
    return longestFits && completable >= p.tasks;
  });
}

export function missLowerBound(m: BoundModel, solve: LpSolver, timeLimitSec = 20): MissBound {
  const due = m.jobs.filter((j) => j.dueAt !== null);
  const forced = due.filter((j) => j.exhausted || j.parts.length === 0 || !taskFits(m, j));
  const forcedIds = new Set(forced.map((j) => j.id));
  const jobs = due.filter((j) => !forcedIds.has(j.id));
  if (jobs.length === 0) return { lowerBound: forced.length, forcedLate: forced.map((j) => j.id), method: "none" };
  const { lp, cols } = flowLp(m, { jobs, late: false });
  const cover = jobs.map((job) => job.parts.map(() => new Map<string, number>()));
  for (const c of cols) cover[c.j]![c.p]!.set(c.name, c.perHour);
  jobs.forEach((job, j) => {
    lp.cost(`z${j}`, 1);
    lp.bound(`z${j}`, 1);
    cover[j]!.forEach((terms, p) => { terms.set(`z${j}`, 1); lp.row(`cover${j}_${p}`, terms, ">=", 1); });
  });
  const relaxed = solve(lp.text(), {});
  if (relaxed.status !== "Optimal") throw new Error(`miss bound: LP ended "${relaxed.status}"`);
  if (relaxed.objective <= 1e-6) return { lowerBound: forced.length, forcedLate: forced.map((j) => j.id), method: "lp" };
  jobs.forEach((_, j) => lp.binary(`z${j}`));
  const mip = solve(lp.text(), { timeLimitSec });
  const joint = mip.status === "Optimal" ? Math.round(mip.objective) : Math.ceil(relaxed.objective - 1e-6);
  return { lowerBound: forced.length + joint, forcedLate: forced.map((j) => j.id), method: mip.status === "Optimal" ? "mip" : "lp-ceil" };
}
