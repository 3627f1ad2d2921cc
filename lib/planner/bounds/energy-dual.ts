/**
 * A dual certificate for the energy LP (energy.ts), ignoring max_parallel (γ = 0):
 *   D(β) = Σ_j α_j − Σ_kt cap_kt·β_kt,  α_j = min over eligible local (k, t) in j's window of
 *   w_jk·(e_kt + β_kt),  e_kt = tariff_t · power_k,  β ≥ 0.
 * Cover is an equality, so α may be negative; any β ≥ 0 gives D(β) ≤ LP optimum (weak duality).
 * β is priced from the greedy: a slot the greedy filled is worth, per node-hour, what the dearest
 * job that could have used it paid at its margin beyond the slot's own energy price. Jobs the
 * greedy could not place still count (their α is the same min); jobs with no local class at all
 * are outside the energy LP (they cannot draw on-prem energy).
 */
import type { BoundsInstance } from "./instance.ts";
import { localAt, slotHours, windowOf } from "./prepare.ts";

export function energyDual(inst: BoundsInstance, rem: Float64Array[], marginal: Map<string, number>, placed: Set<string>, users: Map<number, { id: string; w: number }[]>): number {
  const K = inst.classes.length;
  const S = inst.slots;
  const e = (k: number, t: number) => inst.tariff[t]! * inst.classes[k]!.power_kw_busy;
  // A: what the dearest placed job that could use a full slot paid at its margin, beyond e.
  const a = Array.from({ length: K }, () => new Float64Array(S));
  for (const j of inst.jobs) {
    const lam = marginal.get(j.id);
    if (lam === undefined || !placed.has(j.id)) continue;
    const [r, d] = windowOf(inst, j);
    for (let k = 0; k < K; k++) {
      const w = j.work_node_hours[inst.classes[k]!.name];
      if (w === undefined) continue;
      for (let t = r; t < d; t++) {
        if (rem[k]![t]! > 1e-12) continue; // spare capacity is worth nothing
        a[k]![t] = Math.max(a[k]![t]!, lam / w - e(k, t));
      }
    }
  }
  // B: the same, counting only the jobs that actually used the slot.
  const b = Array.from({ length: K }, () => new Float64Array(S));
  for (const [key, list] of users) {
    const k = Math.floor(key / S);
    const t = key % S;
    if (rem[k]![t]! > 1e-12) continue;
    for (const { id, w } of list) b[k]![t] = Math.max(b[k]![t]!, (marginal.get(id) ?? 0) / w - e(k, t));
  }
  // D is concave in β: try a few points on the rays to A and B (every one is a valid bound).
  let best = -Infinity;
  for (const base of [a, b]) for (const theta of [0.25, 0.5, 0.75, 1]) best = Math.max(best, dualValue(inst, base, theta));
  return best;
}

function dualValue(inst: BoundsInstance, beta: Float64Array[], theta: number): number {
  const dt = slotHours(inst);
  let D = 0;
  for (const j of inst.jobs) {
    const [r, d] = windowOf(inst, j);
    let a = Infinity;
    inst.classes.forEach((c, k) => {
      const w = j.work_node_hours[c.name];
      if (w === undefined) return;
      const kw = c.power_kw_busy;
      for (let t = r; t < d; t++) if (localAt(c, t) > 0) a = Math.min(a, w * (inst.tariff[t]! * kw + theta * beta[k]![t]!));
    });
    if (a < Infinity) D += a;
  }
  inst.classes.forEach((c, k) => { for (let t = 0; t < inst.slots; t++) D -= localAt(c, t) * dt * theta * beta[k]![t]!; });
  return D;
}
