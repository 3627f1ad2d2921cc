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
 * (class, slot) capacity in its window per unit of its work, within max_parallel. That greedy
 * schedule respects every constraint, so its cost (`scheduleCost`) is an UPPER bound on the LP.
 * With one local class, all work released and max_parallel not binding it is optimal (nested
 * windows: an exchange argument), so `cost` = `scheduleCost`. Otherwise `cost` is a dual
 * certificate (energy-dual.ts): a LOWER bound by weak duality, priced from the greedy's marginal
 * costs; `exact` is true when the two meet. The tests check both against an exact LP.
 * Work that does not fit (capacity or parallelism) is reported in `unplacedNodeHours` (on the
 * job's fastest local class) and costs nothing here.
 */
import type { BoundsInstance } from "./instance.ts";
import { energyDual } from "./energy-dual.ts";
import { checkInstance, localAt, slotHours, windowOf } from "./prepare.ts";

export interface EnergyBound {
  /** Lower bound on the LP's energy cost (see above). */
  cost: number;
  /** Cost of the greedy schedule (an upper bound on the LP; equal to `cost` when exact). */
  scheduleCost: number;
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
  const marginal = new Map<string, number>(); // job id → dearest per-fraction cost it had to take
  const placed = new Set<string>();
  const users = new Map<number, { id: string; w: number }[]>(); // k·S + t → the jobs that used it
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
      marginal.set(j.id, Math.max(marginal.get(j.id) ?? -Infinity, x.per));
      const key = x.k * inst.slots + x.t;
      const list = users.get(key);
      if (list) list.push({ id: j.id, w: x.w }); else users.set(key, [{ id: j.id, w: x.w }]);
      const kw = inst.classes[x.k]!.power_kw_busy;
      cost += use * kw * inst.tariff[x.t]!;
      kWh += use * kw;
    }
    if (left > 1e-12) unplaced += left * Math.min(...eligible.map(({ c }) => j.work_node_hours[c.name]!));
    else placed.add(j.id);
  }
  const theorem = local.length <= 1 && released && !parallelBound && unplaced === 0;
  if (theorem) return { cost, scheduleCost: cost, kWh, unplacedNodeHours: unplaced, exact: true };
  const dual = Math.min(cost, energyDual(inst, rem, marginal, placed, users));
  return { cost: dual, scheduleCost: cost, kWh, unplacedNodeHours: unplaced, exact: unplaced === 0 && cost - dual <= 1e-9 * (1 + Math.abs(cost)) };
}
