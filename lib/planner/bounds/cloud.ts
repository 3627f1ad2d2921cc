/**
 * Least cloud cost (and node-hours) any schedule needs so every job meets its deadline.
 *
 * THE LP (time-expanded transportation; Δ = slot length in hours). For each job j, class k with
 * w_jk defined, slot t in j's window [r_j, min(d_j, S)):
 *   x_jkt ≥ 0  node-hours of j on local nodes of class k in slot t
 *   y_jkt ≥ 0  node-hours of j on rented class-k nodes in slot t — only if j.cloud_allowed,
 *              price p_k ≠ null and t ≥ cloud_boot_slots_k
 *   minimise   Σ p_k · y_jkt
 *   cover_j:   Σ_kt (x_jkt + y_jkt) / w_jk ≥ 1                  (all of j's work, by its deadline)
 *   cap_kt:    Σ_j x_jkt ≤ local_nodes_k(t) · Δ                  (local capacity)
 *   par_jt:    Σ_k (x_jkt + y_jkt) ≤ max_parallel_j · Δ           (when max_parallel ≠ null)
 * Cloud capacity is unlimited. Jobs in `unavoidablyLate` are dropped first (the LP with them is
 * infeasible: no schedule meets every deadline); the bound is for the LP on the rest.
 *
 * THE BOUND. Weak duality: for multipliers α_j ≥ 0 (cover), β_kt ≥ 0 (cap), γ = 0, feasible when
 * α_j ≤ w_jk·β_kt (local) and α_j ≤ w_jk·p_k (cloud), Σ α_j − Σ β_kt·cap_kt ≤ LP optimum.
 * We restrict to β that is, for a window [a, d), a per-class constant β_k inside it and 0
 * outside, with α_j = 0 unless j's window lies inside [a, d) — the dual of the relaxation "jobs
 * due in [a, d) must fit in the local capacity of [a, d) plus cloud". With one class, a = 0 and
 * β = p it is p·[work due by d − local capacity before d]⁺, the EDF prefix bound, which is exact
 * for one class with all work released. With several classes the window's dual is maximised by
 * dual-ascent.ts (a Hall-type argument: it prices each class's capacity). Windows: every distinct
 * deadline d, with a = 0 and up to 7 other distinct release slots. The bound is the best window.
 * Jobs whose steps have proportional work (same kind) are grouped, so one window costs
 * O(groups × classes), not O(jobs).
 * PARALLELISM. The window dual ignores max_parallel (γ = 0). solo.ts prices each job alone with
 * it; dual solutions over disjoint sets of jobs add up (capacity prices add, each job keeps its own
 * α and γ), so each window's value is raised by the solo values of the jobs outside it, and the
 * sum of all solo values is a candidate too.
 */
import type { BoundsClass, BoundsInstance, BoundsJob } from "./instance.ts";
import { maximizeDual, type DualGroup } from "./dual-ascent.ts";
import { unavoidablyLate } from "./late.ts";
import { soloCloudBound } from "./solo.ts";
import { checkInstance, cloudFrom, localAt, slotHours, windowOf } from "./prepare.ts";

export interface CloudBound {
  /** Least cloud cost (LP lower bound), in the instance's currency. */
  cost: number;
  /** Least cloud node-hours (the same bound with every rentable class priced at 1). */
  nodeHours: number;
  /** The window [fromSlot, toSlot) whose deficit sets `cost`; null when no window binds (cost 0, or set by per-job parallelism alone). */
  binding: { fromSlot: number; toSlot: number } | null;
  /**
   * False proves that work which may not burst cannot fit local capacity (the LP is infeasible:
   * some deadline is missed whatever happens); cost is then still a valid but loose number. True
   * proves nothing (the checks are Hall conditions on the natural class sets only).
   */
  feasible: boolean;
  /** Unavoidably late jobs, left out of the LP. */
  excluded: string[];
}

export function cloudLowerBound(inst: BoundsInstance): CloudBound {
  checkInstance(inst);
  const excluded = unavoidablyLate(inst);
  const late = new Set(excluded);
  const jobs = inst.jobs.filter((j) => !late.has(j.id));
  const money = sweep(inst, jobs, (c) => c.cloud_price_per_node_hour);
  const hours = sweep(inst, jobs, (c) => (c.cloud_price_per_node_hour === null ? null : 1));
  return { cost: money.value, nodeHours: hours.value, binding: money.value > 0 ? money.binding : null, feasible: money.feasible && hours.feasible, excluded };
}

interface Grouped { rep: DualGroup; key: string }
interface Sweep { value: number; binding: { fromSlot: number; toSlot: number } | null; feasible: boolean }

function sweep(inst: BoundsInstance, jobs: BoundsJob[], price: (c: BoundsClass) => number | null): Sweep {
  const S = inst.slots;
  const dt = slotHours(inst);
  const K = inst.classes.length;
  // cum[k][t] = local node-hours of class k in slots [0, t).
  const cum = inst.classes.map((c) => {
    const a = new Float64Array(S + 1);
    for (let t = 0; t < S; t++) a[t + 1] = a[t]! + localAt(c, t) * dt;
    return a;
  });
  const groups: DualGroup[] = [];
  const groupOf = new Map<string, number>();
  const members = jobs.map((j) => {
    const g = toGroup(inst, j, price);
    let gi = groupOf.get(g.key);
    if (gi === undefined) { groupOf.set(g.key, (gi = groups.length)); groups.push({ ...g.rep, act: g.rep.act.map((e) => ({ ...e })), W: 0 }); }
    const rep = groups[gi]!; // members' u and cunit may differ in rounding: keep the minimum (dual-safe)
    for (const e of g.rep.act) { const r = rep.act.find((x) => x.k === e.k)!; r.u = Math.min(r.u, e.u); }
    rep.cunit = Math.min(rep.cunit, g.rep.cunit);
    const [r, d] = windowOf(inst, j);
    return { gi, W: g.rep.W, r, d, solo: soloCloudBound(inst, j, price) };
  });
  const totalSolo = members.reduce((s, m) => s + m.solo, 0);
  let pscale = 0;
  for (const g of groups) if (g.cunit < Infinity) pscale = Math.max(pscale, g.cunit / Math.min(1, ...g.act.map((e) => e.u)));
  const betaCap = 1e4 * pscale; // pscale 0: nothing can burst, only the feasibility check runs

  let best: Sweep = { value: totalSolo, binding: null, feasible: true };
  for (const a of releaseStarts(members.map((m) => m.r))) {
    const inWindow = members.filter((m) => m.r >= a).sort((x, y) => x.d - y.d);
    const W = new Float64Array(groups.length);
    let beta = new Array<number>(K).fill(0);
    let soloIn = 0;
    for (let i = 0; i < inWindow.length; i++) {
      const m = inWindow[i]!;
      W[m.gi] = W[m.gi]! + m.W;
      soloIn += m.solo;
      if (i + 1 < inWindow.length && inWindow[i + 1]!.d === m.d) continue;
      const d = m.d;
      const C = cum.map((c) => c[d]! - c[a]!);
      const live = (dropNoCloud: boolean): DualGroup[] =>
        groups.flatMap((g, gi) => (W[gi]! > 0 && !(dropNoCloud && g.cunit === Infinity) ? [{ W: W[gi]!, act: g.act.filter((e) => C[e.k]! > 0), cunit: g.cunit }] : []));
      if (!hallHolds(groups, W, C)) best.feasible = false;
      if (pscale === 0) continue;
      // No dual value can exceed sending all of the window's burstable work to the cloud.
      let ceiling = totalSolo - soloIn;
      for (let gi = 0; gi < groups.length; gi++) if (W[gi]! > 0 && groups[gi]!.cunit < Infinity) ceiling += W[gi]! * groups[gi]!.cunit;
      if (ceiling <= best.value) continue;
      let res = maximizeDual(live(false), C, beta, betaCap);
      if (res.hitCap || !Number.isFinite(res.value)) {
        // Runaway prices: the work that may not burst (nearly) overflows local capacity. Price
        // the window without it, so the number stays meaningful (α = 0 for it is dual-feasible).
        res = maximizeDual(live(true), C, new Array<number>(K).fill(0), betaCap);
      } else beta = res.beta;
      const value = res.value + Math.max(0, totalSolo - soloIn);
      const better = value > best.value || (best.binding === null && res.value > 0 && value >= best.value); // on a tie, name the window
      if (Number.isFinite(value) && better) best = { value, binding: { fromSlot: a, toSlot: d }, feasible: best.feasible };
    }
  }
  return best;
}

/** A job as a dual group: work normalised by its fastest eligible class. */
function toGroup(inst: BoundsInstance, j: BoundsJob, price: (c: BoundsClass) => number | null): Grouped {
  let cloud = Infinity;
  let Wn = Infinity;
  const local: { k: number; w: number }[] = [];
  inst.classes.forEach((c, k) => {
    const w = j.work_node_hours[c.name];
    if (w === undefined) return;
    const p = price(c);
    if (p !== null && cloudFrom(inst, j, c) !== null) { cloud = Math.min(cloud, w * p); Wn = Math.min(Wn, w); }
    if (hasLocal(inst, c)) { local.push({ k, w }); Wn = Math.min(Wn, w); }
  });
  const act = local.map(({ k, w }) => ({ k, u: w / Wn }));
  const cunit = cloud / Wn;
  const key = act.map((e) => `${e.k}:${e.u.toPrecision(10)}`).join(",") + "|" + (cunit === Infinity ? "-" : cunit.toPrecision(10));
  return { key, rep: { W: Wn, act, cunit } };
}

function hasLocal(inst: BoundsInstance, c: BoundsClass): boolean {
  if (!Array.isArray(c.local_nodes)) return c.local_nodes > 0;
  return c.local_nodes.some((n) => n > 0);
}

/** Window starts: slot 0 and up to 7 more distinct release slots, evenly spread. */
function releaseStarts(releases: number[]): number[] {
  const distinct = [...new Set(releases.filter((r) => r > 0))].sort((x, y) => x - y);
  const step = Math.max(1, distinct.length / 7);
  const picks = [0];
  for (let i = 0; i < distinct.length && picks.length < 8; i += step) picks.push(distinct[Math.floor(i)]!);
  return picks;
}

/**
 * Hall's condition for the work that may not burst, over the class sets those groups can use:
 * the groups confined to a set S need at least their fastest-class node-hours from S's capacity.
 * False is a proof that the LP is infeasible (some deadline will be missed whatever happens).
 */
function hallHolds(groups: DualGroup[], W: Float64Array, C: number[]): boolean {
  const stuck = groups.flatMap((g, gi) => (W[gi]! > 0 && g.cunit === Infinity ? [{ g, W: W[gi]!, act: g.act.filter((e) => C[e.k]! > 0) }] : []));
  if (stuck.length === 0) return true;
  const sets = [...stuck.map((s) => s.act.map((e) => e.k)), C.flatMap((c, k) => (c > 0 ? [k] : []))];
  for (const set of sets) {
    const inSet = new Set(set);
    let need = 0;
    for (const s of stuck) {
      if (s.act.length === 0) return false;
      if (s.act.every((e) => inSet.has(e.k))) need += s.W * Math.min(...s.act.map((e) => e.u));
    }
    let have = 0;
    for (const k of inSet) have += C[k]!;
    if (need > have * (1 + 1e-9)) return false;
  }
  return true;
}
