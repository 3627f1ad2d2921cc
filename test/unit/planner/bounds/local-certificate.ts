/**
 * A PROOF that local capacity meets every deadline: a local-only fluid schedule that respects
 * capacity, windows and max_parallel, built by the energy greedy (energy.ts) on a copy of the
 * instance whose "energy price" ranks classes by contention (demand per node), so flexible work
 * leaves scarce classes to the jobs that need them. `unplacedNodeHours === 0` ⇒ the cloud LP's
 * optimum is 0. (A zero cloud LOWER bound proves nothing by itself.) Test code only.
 */
import { energyLowerBound } from "../../../../lib/planner/bounds/index.ts";
import type { BoundsInstance } from "../../../../lib/planner/bounds/instance.ts";

/** True when every job fits on local nodes even with `factor` × its work. */
export function localScheduleExists(inst: BoundsInstance, factor = 1): boolean {
  const nodes = (c: BoundsInstance["classes"][number]) => (Array.isArray(c.local_nodes) ? Math.max(0, ...c.local_nodes) : c.local_nodes);
  const demand = new Map<string, number>();
  for (const j of inst.jobs) {
    const ks = Object.keys(j.work_node_hours);
    for (const k of ks) demand.set(k, (demand.get(k) ?? 0) + j.work_node_hours[k]! / ks.length);
  }
  const ranked: BoundsInstance = {
    ...inst,
    tariff: inst.tariff.map(() => 1),
    classes: inst.classes.map((c) => ({ ...c, power_kw_busy: 1 + (demand.get(c.name) ?? 0) / Math.max(1e-9, nodes(c)) })),
    jobs: inst.jobs.map((j) => ({ ...j, work_node_hours: Object.fromEntries(Object.entries(j.work_node_hours).map(([k, w]) => [k, w * factor])) })),
  };
  const hasLocal = (j: BoundsInstance["jobs"][number]) => ranked.classes.some((c) => j.work_node_hours[c.name] !== undefined && nodes(c) > 0);
  return ranked.jobs.every(hasLocal) && energyLowerBound(ranked).unplacedNodeHours <= 1e-9;
}
