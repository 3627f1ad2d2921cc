/** Shared checks and accessors over a BoundsInstance (an exchange format, so validate it). */
import type { BoundsClass, BoundsInstance, BoundsJob } from "./instance.ts";

export function checkInstance(inst: BoundsInstance): void {
  if (!(inst.slot_minutes > 0)) throw new Error(`slot_minutes: must be > 0, got ${inst.slot_minutes}`);
  if (!Number.isInteger(inst.slots) || inst.slots < 0) throw new Error(`slots: must be a non-negative integer, got ${inst.slots}`);
  if (inst.tariff.length !== inst.slots) throw new Error(`tariff: needs ${inst.slots} prices, got ${inst.tariff.length}`);
  const names = new Set<string>();
  for (const c of inst.classes) {
    if (names.has(c.name)) throw new Error(`classes: duplicate name "${c.name}"`);
    names.add(c.name);
    if (Array.isArray(c.local_nodes) && c.local_nodes.length !== inst.slots) {
      throw new Error(`classes[${c.name}].local_nodes: needs ${inst.slots} entries, got ${c.local_nodes.length}`);
    }
  }
  for (const j of inst.jobs) {
    for (const [k, w] of Object.entries(j.work_node_hours)) {
      if (!names.has(k)) throw new Error(`jobs[${j.id}].work_node_hours: unknown class "${k}"`);
      if (!(w > 0)) throw new Error(`jobs[${j.id}].work_node_hours[${k}]: must be > 0, got ${w}`);
    }
    if (j.max_parallel !== null && !(j.max_parallel > 0)) throw new Error(`jobs[${j.id}].max_parallel: must be > 0 or null, got ${j.max_parallel}`);
  }
}

/** Local nodes of a class in slot t. */
export function localAt(c: BoundsClass, t: number): number {
  return Array.isArray(c.local_nodes) ? (c.local_nodes[t] ?? 0) : c.local_nodes;
}

export function slotHours(inst: BoundsInstance): number {
  return inst.slot_minutes / 60;
}

/** Can job j rent class c at all, and from which slot (boot latency)? null: never in its window. */
export function cloudFrom(inst: BoundsInstance, j: BoundsJob, c: BoundsClass): number | null {
  if (!j.cloud_allowed || c.cloud_price_per_node_hour === null || j.work_node_hours[c.name] === undefined) return null;
  const [r, d] = windowOf(inst, j);
  const from = Math.max(r, c.cloud_boot_slots);
  return from < d ? from : null;
}

/** Every job's work must lie in [release, min(deadline, slots)). */
export function windowOf(inst: BoundsInstance, j: BoundsJob): [number, number] {
  return [Math.max(0, j.release_slot), Math.min(inst.slots, j.deadline_slot)];
}
