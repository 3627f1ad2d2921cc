/**
 * The least cloud cost of ONE job given the whole farm to itself, max_parallel included: a lower
 * bound on that job's share of any joint schedule's cost. Its LP dual has one price α for the job's
 * work and, per slot t, a price γ_t on its parallelism (room R = max_parallel·Δ) and β_kt on local
 * capacity. For a fixed α the best γ_t, β_kt are found slot by slot (a 1-D convex minimisation),
 * so the dual is g(α) = α − Σ_t h_t(α), concave in α; EVERY α ≥ 0 gives a valid bound.
 * Solo duals of different jobs, and a window dual (cloud.ts) over other jobs, can be ADDED: they
 * price disjoint jobs, and capacity prices simply add up. cloud.ts uses exactly that.
 */
import type { BoundsClass, BoundsInstance, BoundsJob } from "./instance.ts";
import { cloudFrom, localAt, slotHours, windowOf } from "./prepare.ts";

export function soloCloudBound(inst: BoundsInstance, j: BoundsJob, price: (c: BoundsClass) => number | null): number {
  const dt = slotHours(inst);
  const [r, d] = windowOf(inst, j);
  const local: { w: number; c: BoundsClass }[] = [];
  const cloud: { w: number; p: number; from: number }[] = [];
  for (const c of inst.classes) {
    const w = j.work_node_hours[c.name];
    if (w === undefined) continue;
    const p = price(c);
    const from = cloudFrom(inst, j, c);
    if (p !== null && from !== null) cloud.push({ w, p, from });
    local.push({ w, c });
  }
  if (cloud.length === 0) return 0;
  local.sort((x, y) => x.w - y.w); // fastest first = highest α/w first
  const cheapest = Math.min(...cloud.map((o) => o.w * o.p));
  if (j.max_parallel === null) {
    let F = 0;
    for (let t = r; t < d; t++) for (const o of local) F += (localAt(o.c, t) * dt) / o.w;
    return Math.max(0, 1 - F) * cheapest;
  }
  const R = j.max_parallel * dt;
  const segs = segments(local.map((o) => o.c), cloud.map((o) => o.from), r, d, dt);
  const g = (alpha: number): number => {
    let total = alpha;
    for (const sg of segs) {
      let gc = 0;
      cloud.forEach((o, i) => { if (sg.cloudOk[i]) gc = Math.max(gc, alpha / o.w - o.p); });
      // Unconstrained best γ: the value of the class where local capacity first fills the room.
      let cum = 0;
      let gstar = 0;
      for (let i = 0; i < local.length; i++) {
        cum += sg.cap[i]!;
        if (cum >= R) { gstar = alpha / local[i]!.w; break; }
      }
      const gamma = Math.max(gstar, gc);
      let h = R * gamma;
      for (let i = 0; i < local.length; i++) h += sg.cap[i]! * Math.max(0, alpha / local[i]!.w - gamma);
      total -= sg.count * h;
    }
    return total;
  };
  // Golden-section search on the concave g, seeded with the natural candidates.
  let best = Math.max(0, ...cloud.map((o) => g(o.w * o.p)));
  let lo = 0;
  let hi = 4 * Math.max(...cloud.map((o) => o.w * o.p)) + cheapest;
  const phi = (Math.sqrt(5) - 1) / 2;
  let x1 = hi - phi * (hi - lo);
  let x2 = lo + phi * (hi - lo);
  let f1 = g(x1);
  let f2 = g(x2);
  for (let i = 0; i < 40; i++) {
    if (f1 < f2) { lo = x1; x1 = x2; f1 = f2; x2 = lo + phi * (hi - lo); f2 = g(x2); }
    else { hi = x2; x2 = x1; f2 = f1; x1 = hi - phi * (hi - lo); f1 = g(x1); }
  }
  return Math.max(best, f1, f2);
}

/** Runs of identical slots (same local capacity per class, same cloud classes booted) in [r, d). */
function segments(classes: BoundsClass[], cloudFromSlots: number[], r: number, d: number, dt: number): { count: number; cap: number[]; cloudOk: boolean[] }[] {
  const out: { count: number; cap: number[]; cloudOk: boolean[] }[] = [];
  for (let t = r; t < d; t++) {
    const cap = classes.map((c) => localAt(c, t) * dt);
    const cloudOk = cloudFromSlots.map((f) => t >= f);
    const last = out[out.length - 1];
    if (last && last.cap.every((x, i) => x === cap[i]) && last.cloudOk.every((x, i) => x === cloudOk[i])) last.count++;
    else out.push({ count: 1, cap, cloudOk });
  }
  return out;
}
