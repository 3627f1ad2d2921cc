/** The LPs written in cloud.ts and energy.ts, built literally from a BoundsInstance (test only). */
import type { BoundsInstance, BoundsJob } from "../../../../lib/planner/bounds/instance.ts";
import type { LinearProgram } from "./dense-simplex.ts";

interface Var { j: number; k: number; t: number; cloud: boolean }

function localAt(inst: BoundsInstance, k: number, t: number): number {
  const n = inst.classes[k]!.local_nodes;
  return Array.isArray(n) ? n[t]! : n;
}

function build(inst: BoundsInstance, jobs: BoundsJob[], vars: Var[], cost: (v: Var) => number, cover: "=" | ">="): LinearProgram {
  const dt = inst.slot_minutes / 60;
  const rows: LinearProgram["rows"] = [];
  const nv = vars.length;
  jobs.forEach((job, j) => {
    const a = new Array<number>(nv).fill(0);
    vars.forEach((v, i) => { if (v.j === j) a[i] = 1 / job.work_node_hours[inst.classes[v.k]!.name]!; });
    rows.push({ a, sense: cover, b: 1 });
    if (job.max_parallel !== null) {
      for (let t = 0; t < inst.slots; t++) {
        const p = new Array<number>(nv).fill(0);
        let any = false;
        vars.forEach((v, i) => { if (v.j === j && v.t === t) { p[i] = 1; any = true; } });
        if (any) rows.push({ a: p, sense: "<=", b: job.max_parallel * dt });
      }
    }
  });
  inst.classes.forEach((_, k) => {
    for (let t = 0; t < inst.slots; t++) {
      const a = new Array<number>(nv).fill(0);
      let any = false;
      vars.forEach((v, i) => { if (!v.cloud && v.k === k && v.t === t) { a[i] = 1; any = true; } });
      if (any) rows.push({ a, sense: "<=", b: localAt(inst, k, t) * dt });
    }
  });
  return { c: vars.map(cost), rows };
}

function window(inst: BoundsInstance, job: BoundsJob): [number, number] {
  return [Math.max(0, job.release_slot), Math.min(inst.slots, job.deadline_slot)];
}

/** min Σ price·y subject to cover ≥ 1, local capacity, max_parallel; `unitPrice` prices every rentable class at 1. */
export function cloudLp(inst: BoundsInstance, jobs: BoundsJob[], unitPrice = false): LinearProgram {
  const vars: Var[] = [];
  jobs.forEach((job, j) => {
    const [r, d] = window(inst, job);
    inst.classes.forEach((c, k) => {
      if (job.work_node_hours[c.name] === undefined) return;
      for (let t = r; t < d; t++) {
        vars.push({ j, k, t, cloud: false });
        if (job.cloud_allowed && c.cloud_price_per_node_hour !== null && t >= c.cloud_boot_slots) vars.push({ j, k, t, cloud: true });
      }
    });
  });
  return build(inst, jobs, vars, (v) => (v.cloud ? (unitPrice ? 1 : inst.classes[v.k]!.cloud_price_per_node_hour!) : 0), ">=");
}

/** min Σ tariff·power·x over local nodes only, cover = 1. */
export function energyLp(inst: BoundsInstance): LinearProgram {
  const vars: Var[] = [];
  inst.jobs.forEach((job, j) => {
    const [r, d] = window(inst, job);
    inst.classes.forEach((c, k) => {
      if (job.work_node_hours[c.name] === undefined) return;
      for (let t = r; t < d; t++) if (localAt(inst, k, t) > 0) vars.push({ j, k, t, cloud: false });
    });
  });
  return build(inst, inst.jobs, vars, (v) => inst.tariff[v.t]! * inst.classes[v.k]!.power_kw_busy, "=");
}
