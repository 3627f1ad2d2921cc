/**
 * Jobs that cannot finish by their deadline whatever the others do: alone on the farm, each slot
 * of its window filled up to `max_parallel` nodes with its fastest eligible classes first (local
 * nodes of the class, or unlimited cloud nodes once booted if the job may burst), the job still
 * completes less than all of its work. This is exactly infeasibility of the cloud LP (see
 * cloud.ts) restricted to that one job, so such jobs are misses no schedule avoids.
 */
import type { BoundsInstance, BoundsJob } from "./instance.ts";
import { checkInstance, cloudFrom, localAt, slotHours, windowOf } from "./prepare.ts";

const EPS = 1e-9;

export function unavoidablyLate(inst: BoundsInstance): string[] {
  checkInstance(inst);
  return inst.jobs.filter((j) => bestFraction(inst, j) < 1 - EPS).map((j) => j.id);
}

/** Largest fraction of job j's work that fits in its window with the whole farm to itself. */
export function bestFraction(inst: BoundsInstance, j: BoundsJob): number {
  const dt = slotHours(inst);
  const [r, d] = windowOf(inst, j);
  // Fastest first: node-hours on class k finish 1/w_k of the job.
  const options = inst.classes
    .filter((c) => j.work_node_hours[c.name] !== undefined)
    .map((c) => ({ c, w: j.work_node_hours[c.name]!, cloudFrom: cloudFrom(inst, j, c) }))
    .sort((a, b) => a.w - b.w);
  if (options.length === 0 || d <= r) return 0;
  const perSlotCap = j.max_parallel === null ? Infinity : j.max_parallel * dt;
  let done = 0;
  for (let t = r; t < d; t++) {
    let room = perSlotCap;
    for (const o of options) {
      if (room <= 0) break;
      const avail = o.cloudFrom !== null && t >= o.cloudFrom ? Infinity : localAt(o.c, t) * dt;
      const use = Math.min(room, avail);
      if (use === Infinity) return Infinity; // unlimited cloud, no parallel cap: always finishes
      if (use > 0) { done += use / o.w; room -= use; }
    }
    if (done >= 1) return done;
  }
  return done;
}
