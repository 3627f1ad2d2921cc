/**
 * The bounds' LPs (cloud.ts, energy.ts) as CPLEX-LP text, so anyone can check a bound with their
 * own solver (`glpsol --lp f.lp`, `highs f.lp`, `cbc f.lp`). Variables: x_<job>_<class>_<slot>
 * (local node-hours), y_<job>_<class>_<slot> (cloud node-hours), indices into the instance's
 * arrays; every variable is ≥ 0 (the LP format's default bound). Like cloudLowerBound, the cloud
 * LP leaves out unavoidably late jobs (with them it is infeasible); pass `allJobs` to keep them.
 */
import type { BoundsInstance, BoundsJob } from "./instance.ts";
import { unavoidablyLate } from "./late.ts";
import { checkInstance, localAt, slotHours, windowOf } from "./prepare.ts";

interface Term { name: string; j: number; k: number; t: number; cloud: boolean }

export function cloudLpText(inst: BoundsInstance, opts: { allJobs?: boolean } = {}): string {
  checkInstance(inst);
  const late = new Set(opts.allJobs ? [] : unavoidablyLate(inst));
  const vars: Term[] = [];
  inst.jobs.forEach((job, j) => {
    if (late.has(job.id)) return;
    const [r, d] = windowOf(inst, job);
    inst.classes.forEach((c, k) => {
      if (job.work_node_hours[c.name] === undefined) return;
      for (let t = r; t < d; t++) {
        vars.push({ name: `x_${j}_${k}_${t}`, j, k, t, cloud: false });
        if (job.cloud_allowed && c.cloud_price_per_node_hour !== null && t >= c.cloud_boot_slots) vars.push({ name: `y_${j}_${k}_${t}`, j, k, t, cloud: true });
      }
    });
  });
  const cost = (v: Term) => (v.cloud ? inst.classes[v.k]!.cloud_price_per_node_hour! : 0);
  return write(inst, vars, cost, ">=", "least cloud cost to meet every deadline (burstfarm bounds, cloud.ts)", (j) => !late.has(inst.jobs[j]!.id));
}

export function energyLpText(inst: BoundsInstance): string {
  checkInstance(inst);
  const vars: Term[] = [];
  const withLocal = new Set<number>();
  inst.jobs.forEach((job, j) => {
    const [r, d] = windowOf(inst, job);
    inst.classes.forEach((c, k) => {
      if (job.work_node_hours[c.name] === undefined) return;
      for (let t = r; t < d; t++) if (localAt(c, t) > 0) { vars.push({ name: `x_${j}_${k}_${t}`, j, k, t, cloud: false }); withLocal.add(j); }
    });
  });
  const cost = (v: Term) => inst.tariff[v.t]! * inst.classes[v.k]!.power_kw_busy;
  return write(inst, vars, cost, "=", "least on-prem energy cost (burstfarm bounds, energy.ts); jobs with no local class left out", (j) => withLocal.has(j));
}

function write(inst: BoundsInstance, vars: Term[], cost: (v: Term) => number, cover: ">=" | "=", title: string, included: (j: number) => boolean): string {
  const dt = slotHours(inst);
  const num = (x: number) => String(x); // shortest text that reads back as the same double
  const sum = (terms: { c: number; v: string }[]) => terms.map(({ c, v }, i) => `${i === 0 ? (c < 0 ? "- " : "") : c < 0 ? " - " : " + "}${num(Math.abs(c))} ${v}`).join("");
  const lines = [`\\ ${title}`, `\\ jobs: ${inst.jobs.map((jb, j) => `${j}=${jb.id}`).join(" ")}`, `\\ classes: ${inst.classes.map((c, k) => `${k}=${c.name}`).join(" ")}`, "Minimize"];
  const obj = vars.filter((v) => cost(v) !== 0).map((v) => ({ c: cost(v), v: v.name }));
  lines.push(` obj: ${obj.length > 0 ? sum(obj) : vars.length > 0 ? `0 ${vars[0]!.name}` : ""}`, "Subject To");
  const byJob = new Map<number, Term[]>();
  for (const v of vars) byJob.set(v.j, [...(byJob.get(v.j) ?? []), v]);
  inst.jobs.forEach((job: BoundsJob, j) => {
    if (!included(j)) return;
    const terms = byJob.get(j) ?? [];
    const work = (v: Term) => job.work_node_hours[inst.classes[v.k]!.name]!;
    lines.push(` cover_${j}: ${terms.length > 0 ? sum(terms.map((v) => ({ c: 1 / work(v), v: v.name }))) : `0 ${vars[0]?.name ?? "none"}`} ${cover} 1`);
    if (job.max_parallel === null) return;
    const bySlot = new Map<number, Term[]>();
    for (const v of terms) bySlot.set(v.t, [...(bySlot.get(v.t) ?? []), v]);
    for (const [t, ts] of bySlot) lines.push(` par_${j}_${t}: ${sum(ts.map((v) => ({ c: 1, v: v.name })))} <= ${num(job.max_parallel * dt)}`);
  });
  const byCap = new Map<string, Term[]>();
  for (const v of vars) if (!v.cloud) byCap.set(`${v.k}_${v.t}`, [...(byCap.get(`${v.k}_${v.t}`) ?? []), v]);
  for (const [key, ts] of byCap) {
    const v0 = ts[0]!;
    lines.push(` cap_${key}: ${sum(ts.map((v) => ({ c: 1, v: v.name })))} <= ${num(localAt(inst.classes[v0.k]!, v0.t) * dt)}`);
  }
  lines.push("End", "");
  return lines.join("\n");
}
