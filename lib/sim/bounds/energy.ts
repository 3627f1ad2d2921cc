/**
 * The least on-prem busy-energy cost (busy power × time × price, as `energy_cost` meters it)
 * of doing the same work as a run — every task it finished (the very tasks where a step was
 * partly done, else each step's done count priced as its shortest tasks; each task with the
 * failed attempts every run repeats before its good one),
 * each job it finished on time by its deadline, the rest by the horizon —
 * or, without a run, ALL the work; over the fluid schedule (flow-lp.ts):
 * - cloud is allowed: cloud-allowed jobs may run on rented nodes (no farm energy) within each
 *   client's budget and within `cloudSpendCap` — the row's own cloud spend, so a policy cannot
 *   beat the bound by bursting, and the bound buys no energy saving the policy did not pay for;
 * - only what a policy may shift is shifted: energy-intensive jobs (the work tariff deferral
 *   may move) pay the lowest price of the slot they run in; other jobs pay their window's mean
 *   price wherever they run, so moving them gains nothing;
 * - deadlines: work after a job's deadline is allowed (to the horizon) at a penalty, so the bound
 *   is the least energy among the schedules with the least late work (late work still draws
 *   energy); work that fits nowhere before the horizon is dropped at a larger penalty.
 * With `guarantees`, the bound of a schedule that also keeps every client's guarantee as the
 * guarantee metric counts it (guarantees.ts: deferred work stays owed): the reservation and
 * serve rows of flow-lp.ts, and the owed-work rows of owed-work.ts — while a client has released
 * work left it runs its owed nodes, so its work keeps up with the least trajectory that allows
 * and none of it waits for a cheaper hour. The energy a schedule with 0 guarantee client-minutes
 * cannot beat, as the cloud target's guarantee-aware bound is for cloud.
 * Owed work only counts for jobs the run finished (the bound prices the run's work, no more);
 * a shortfall is priced below late work (deadlines first) and far above energy.
 */
import { energyCost } from "../tariff-price.ts";
import { flowLp } from "./flow-lp.ts";
import type { LpSolver } from "./lp.ts";
import type { BoundJob, BoundModel } from "./model.ts";

const LATE_PER_NODE_HOUR = 100;
const GUARANTEE_SHORT_PER_NODE_HOUR = 10;
const UNPLACED_PER_PART = 1e6;

export interface EnergyLb { cost: number; lateNodeHours: number; status: string }

/** What a run did: tasks done per step (and which, where a step was partly done) and whether the job met its deadline, by job id. */
export type RunWork = Map<string, { doneTasks: number[]; doneSets?: (number[] | null)[]; onTime: boolean }>;

/** Fraction of a part's work the run did, at least: its very done tasks where known, else the step's shortest ones. */
function doneFraction(part: BoundJob["parts"][number], w: { doneTasks: number[]; doneSets?: (number[] | null)[] } | undefined): number {
  let total = 0;
  let done = 0;
  for (const s of part.steps) {
    for (const h of s.hours) total += h;
    const set = w?.doneSets?.[s.step];
    if (set) { for (const i of set) done += s.byTask[i] ?? 0; continue; }
    const k = w?.doneTasks[s.step] ?? 0;
    for (let i = 0; i < k && i < s.hours.length; i++) done += s.hours[i]!;
  }
  return total > 0 ? done / total : 1;
}

export function energyLowerBound(m: BoundModel, solve: LpSolver, cloudSpendCap: number, run?: RunWork, guarantees = false): EnergyLb {
  // A job the run finished late, or not at all, needs its done work only by the horizon.
  const jobs = m.jobs.filter((j) => j.parts.length > 0).map((j) => (run && !run.get(j.id)?.onTime ? { ...j, dueAt: null } : j));
  const finished = (j: BoundJob): boolean => !run || j.parts.every((p) => doneFraction(p, run.get(j.id)) >= 1 - 1e-9);
  const owing = guarantees ? { ...m, jobs: m.jobs.filter(finished) } : m;
  const { lp, cols, dueOf, guaranteeShort } = flowLp(owing, { jobs, late: true, cloudSpendCap, guarantees, serveGuarantees: guarantees, owedWork: guarantees });
  for (const s of guaranteeShort) lp.cost(s, GUARANTEE_SHORT_PER_NODE_HOUR);
  const mean = (j: BoundJob): number => {
    const a = j.submitAt;
    const b = Math.max(a + 1, dueOf(j));
    return energyCost(m.tariff, 1000, a, b) / ((b - a) / 3600_000);
  };
  const means = jobs.map(mean);
  const energyOf = new Map<string, number>();
  const cover = jobs.map((job) => job.parts.map(() => new Map<string, number>()));
  for (const c of cols) {
    cover[c.j]![c.p]!.set(c.name, c.perHour);
    if (c.late) lp.cost(c.name, LATE_PER_NODE_HOUR);
    if (c.cloud) continue;
    const price = jobs[c.j]!.energyIntensive ? m.minPrice[c.t]! : means[c.j]!;
    const e = m.local[c.k]!.kwBusy * price;
    energyOf.set(c.name, e);
    lp.cost(c.name, e);
  }
  cover.forEach((parts, j) => parts.forEach((terms, p) => {
    const w = run?.get(jobs[j]!.id);
    const need = w ? doneFraction(jobs[j]!.parts[p]!, w) : 1;
    if (need <= 0) return;
    const u = `u${j}_${p}`;
    terms.set(u, 1);
    lp.bound(u, need);
    lp.cost(u, UNPLACED_PER_PART);
    lp.row(`cover${j}_${p}`, terms, ">=", need);
  }));
  const r = solve(lp.text(), {});
  if (r.status !== "Optimal") throw new Error(`energy bound: LP ended "${r.status}"`);
  let cost = 0;
  let late = 0;
  for (const c of cols) {
    const v = r.values[c.name] ?? 0;
    cost += v * (energyOf.get(c.name) ?? 0);
    if (c.late) late += v;
  }
  return { cost, lateNodeHours: late, status: r.status };
}
