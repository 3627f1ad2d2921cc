/**
 * Least on-prem energy cost of running the jobs' work on local nodes, given the tariff.
 *
 * THE LP: x_jkt ≥ 0 local node-hours of job j on class k in slot t (window [r_j, d_j));
 *   minimise Σ tariff_t · power_kw_busy_k · x_jkt
 *   s.t. Σ_kt x_jkt / w_jk = 1, Σ_j x_jkt ≤ local_nodes_k(t)·Δ, Σ_k x_jkt ≤ max_parallel_j·Δ.
 * Cloud work draws no on-prem energy and is not modelled here, so a plan that bursts may use less
 * on-prem energy than this; idle power is excluded (it is paid whatever the schedule).
 *
 * THE METHOD (as PLANNER-NOTES suggests): jobs in EDF order, each takes the cheapest remaining
 * (class, slot) capacity in its window per unit of its work, within max_parallel. With one local
 * class, all work released and max_parallel not binding, this is optimal (nested windows: an
 * exchange argument) — `exact: true`, and the tests check it against an exact LP. Otherwise it is
 * a greedy schedule: it respects every constraint, so it is an UPPER bound on the LP value; the
 * tests measure how far it can sit above the LP.
 * Work that does not fit (capacity or parallelism) is reported in `unplacedNodeHours` (on the
 * job's fastest local class) and costs nothing here.
 */
import type { BoundsInstance } from "./instance.ts";
import { checkInstance, localAt, slotHours, windowOf } from "./prepare.ts";

export interface EnergyBound {
  cost: number;
  kWh: number;
  unplacedNodeHours: number;
  /** True when the method is provably optimal for this instance (see above). */
  exact: boolean;
}

export function energyLowerBound(inst: BoundsInstance): EnergyBound {
  checkInstance(inst);
  const dt = slotHours(inst);
  const local = inst.classes.map((c, k) => ({ c, k })).filter(({ c }) => Array.from({ length: inst.slots }, (_, t) => localAt(c, t)).some((n) => n > 0));
  const rem = inst.classes.map((c) => Float64Array.from({ length: inst.slots }, (_, t) => localAt(c, t) * dt));
  const order = inst.jobs.slice().sort((a, b) => a.deadline_slot - b.deadline_slot || a.release_slot - b.release_slot || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  let cost = 0;
  let kWh = 0;
  let unplaced = 0;
  let parallelBound = false;
  let released = true;
  for (const j of order) {
    const [r, d] = windowOf(inst, j);
    if (r > 0) released = false;
    const eligible = local.filter(({ c }) => j.work_node_hours[c.name] !== undefined);
    if (eligible.length === 0) continue;
    const cands: { k: number; t: number; w: number; per: number }[] = [];
    for (const { c, k } of eligible) {
      const w = j.work_node_hours[c.name]!;
      for (let t = r; t < d; t++) if (rem[k]![t]! > 0) cands.push({ k, t, w, per: inst.tariff[t]! * c.power_kw_busy * w });
    }
    cands.sort((a, b) => a.per - b.per || a.t - b.t || a.k - b.k);
    const room = new Map<number, number>();
    const cap = j.max_parallel === null ? Infinity : j.max_parallel * dt;
    let left = 1; // fraction of the job still to place
    for (const x of cands) {
      if (left <= 1e-12) break;
      const par = room.get(x.t) ?? cap;
      const use = Math.min(rem[x.k]![x.t]!, par, left * x.w);
      if (use <= 0) { if (par <= 0) parallelBound = true; continue; }
      if (use === par && use < left * x.w) parallelBound = true;
      rem[x.k]![x.t]! -= use;
      room.set(x.t, par - use);
      left -= use / x.w;
      const kw = inst.classes[x.k]!.power_kw_busy;
      cost += use * kw * inst.tariff[x.t]!;
      kWh += use * kw;
    }
    if (left > 1e-12) unplaced += left * Math.min(...eligible.map(({ c }) => j.work_node_hours[c.name]!));
  }
  return { cost, kWh, unplacedNodeHours: unplaced, exact: local.length <= 1 && released && !parallelBound };
}
