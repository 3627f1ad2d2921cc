/** fast-check arbitraries for tiny BoundsInstances (a few jobs × a few slots × 1–2 classes). */
import fc from "fast-check";
import type { BoundsClass, BoundsInstance, BoundsJob } from "../../../../lib/planner/bounds/instance.ts";

export interface ArbOptions { classes?: 1 | 2 | 3; maxClasses?: number; maxJobs?: number; maxSlots?: number; released?: boolean; noParallelCap?: boolean; mostlyNoCloud?: boolean }

export function anInstance(o: ArbOptions = {}): fc.Arbitrary<BoundsInstance> {
  return fc.record({
    slots: fc.integer({ min: 2, max: o.maxSlots ?? 5 }),
    nClasses: o.classes ? fc.constant(o.classes) : fc.integer({ min: 1, max: o.maxClasses ?? 2 }),
  }).chain(({ slots, nClasses }) =>
    fc.record({
      tariff: fc.array(fc.integer({ min: 5, max: 40 }).map((c) => c / 100), { minLength: slots, maxLength: slots }),
      classes: fc.tuple(...Array.from({ length: nClasses }, (_, i) => aClass(i, slots))),
      jobs: fc.array(aJob(slots, nClasses, o), { minLength: 1, maxLength: o.maxJobs ?? 4 }),
    }).map(({ tariff, classes, jobs }) => ({
      slot_minutes: 60,
      slots,
      tariff,
      classes,
      jobs: jobs.map((j, i) => ({ ...j, id: `j${i}` })),
    })),
  );
}

function aClass(i: number, slots: number): fc.Arbitrary<BoundsClass> {
  return fc.record({
    local: fc.oneof(fc.integer({ min: 0, max: 3 }), fc.array(fc.integer({ min: 0, max: 3 }), { minLength: slots, maxLength: slots })),
    power: fc.integer({ min: 1, max: 10 }).map((p) => p / 10),
    price: fc.option(fc.integer({ min: 1, max: 30 }).map((p) => p / 10), { nil: null, freq: 4 }),
    boot: fc.integer({ min: 0, max: 2 }),
  }).map(({ local, power, price, boot }) => ({ name: `c${i}`, local_nodes: local, power_kw_busy: power, cloud_price_per_node_hour: price, cloud_boot_slots: boot }));
}

function aJob(slots: number, nClasses: number, o: ArbOptions): fc.Arbitrary<BoundsJob> {
  return fc.record({
    release: o.released ? fc.constant(0) : fc.integer({ min: 0, max: slots - 1 }),
    span: fc.integer({ min: 1, max: slots }),
    work: fc.array(fc.option(fc.integer({ min: 1, max: 40 }).map((w) => w / 4), { nil: undefined, freq: 4 }), { minLength: nClasses, maxLength: nClasses }),
    par: o.noParallelCap ? fc.constant(null) : fc.option(fc.integer({ min: 1, max: 4 }), { nil: null }),
    cloud: o.mostlyNoCloud ? fc.integer({ min: 0, max: 4 }).map((x) => x === 0) : fc.boolean(),
  }).map(({ release, span, work, par, cloud }) => {
    const w: Record<string, number> = {};
    work.forEach((x, k) => { if (x !== undefined) w[`c${k}`] = x; });
    if (Object.keys(w).length === 0) w.c0 = work.find((x) => x !== undefined) ?? 2;
    return { id: "", release_slot: release, deadline_slot: Math.min(slots, release + span), work_node_hours: w, max_parallel: par, cloud_allowed: cloud };
  });
}
