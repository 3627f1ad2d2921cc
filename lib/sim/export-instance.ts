/**
 * Scenario → BoundsInstance (lib/planner/bounds/instance.ts), the solver-neutral form written by
 * `--export-instance` and fed to the lower bounds. Built with hindsight from the scenario itself,
 * and only ever relaxed, so any LP on it stays below what a real schedule could do:
 * - work is the TRUE runtime of every task (the very draws the engine uses), retries excluded;
 * - release rounds DOWN to a slot, deadlines (the final one, after edits) round UP; jobs without
 *   a deadline must finish by the horizon; job dependencies and step order are ignored;
 * - on-prem classes group nodes of identical capabilities, speed and busy power; a node counts
 *   in a slot unless it is down (scheduled or seeded crash) for the whole slot;
 * - one cloud class per offer, priced at spot (interruptions and budgets ignored), boot rounded
 *   DOWN to slots, no farm energy (the provider pays for power);
 * - a job's steps with different eligible classes become separate jobs `jobId#k`.
 */
import type { BoundsClass, BoundsInstance, BoundsJob } from "../planner/bounds/instance.ts";
import { crashEvents } from "./engine.ts";
import { meets, speedFor } from "./eligibility.ts";
import { energyCost } from "./tariff-price.ts";
import { trueTaskSec } from "./tasks.ts";
import type { Scenario, SimNodeSpec } from "./types.ts";

export const SLOT_MINUTES = 15;

interface ClassModel { cls: BoundsClass; caps: SimNodeSpec["capabilities"]; speed: Record<string, number>; cloud: boolean }

function localClasses(sc: Scenario, slots: number, slotMs: number): ClassModel[] {
  const byKey = new Map<string, { nodes: SimNodeSpec[] }>();
  for (const n of sc.nodes) {
    const key = JSON.stringify([n.capabilities, Object.entries(n.speed).sort(), n.powerBusyW / n.slots]);
    (byKey.get(key) ?? byKey.set(key, { nodes: [] }).get(key)!).nodes.push(n);
  }
  const crashes = crashEvents(sc);
  const used = new Set<string>();
  return [...byKey.values()].map(({ nodes }) => {
    let name = nodes[0]!.id.replace(/[-_]?\d+$/, "") || "local";
    while (used.has(name)) name += "'";
    used.add(name);
    const perSlot: number[] = [];
    for (let t = 0; t < slots; t++) {
      const a = sc.startAt + t * slotMs;
      const b = a + slotMs;
      let up = 0;
      for (const n of nodes) {
        const down = crashes.some((c) => c.nodeId === n.id && c.at <= a && c.at + c.downSec * 1000 >= b);
        if (!down) up += n.slots;
      }
      perSlot.push(up);
    }
    const total = nodes.reduce((s, n) => s + n.slots, 0);
    const n0 = nodes[0]!;
    return {
      cls: {
        name, local_nodes: perSlot.every((x) => x === total) ? total : perSlot,
        power_kw_busy: n0.powerBusyW / n0.slots / 1000, cloud_price_per_node_hour: null, cloud_boot_slots: 0,
      },
      caps: n0.capabilities, speed: n0.speed, cloud: false,
    };
  });
}

export function scenarioInstance(sc: Scenario): BoundsInstance {
  const slotMs = SLOT_MINUTES * 60_000;
  const slots = Math.ceil((sc.endAt - sc.startAt) / slotMs);
  const classes: ClassModel[] = [
    ...localClasses(sc, slots, slotMs),
    ...sc.cloudOffers.map((o) => ({
      cls: { name: `cloud:${o.instanceType}`, local_nodes: 0, power_kw_busy: 0, cloud_price_per_node_hour: o.spotPricePerHour, cloud_boot_slots: Math.floor((o.bootSec * 1000) / slotMs) },
      caps: o.capabilities, speed: o.speed, cloud: true,
    })),
  ];
  const tariff: number[] = [];
  for (let t = 0; t < slots; t++) {
    const a = sc.startAt + t * slotMs;
    tariff.push(energyCost(sc.tariff, 1000, a, a + slotMs) / (slotMs / 3600_000));
  }
  const finalDeadline = new Map<string, number | null>();
  for (const e of sc.events) if (e.type === "deadline") finalDeadline.set(e.jobId, e.deadlineAt);
  const jobs: BoundsJob[] = [];
  for (const spec of sc.jobs) {
    const job = spec.job;
    const client = sc.clients.find((c) => c.id === job.clientId);
    const cloudAllowed = job.cloudAllowed && !!client?.cloudAllowed && client.cloudBudgetLeft > 0;
    const deadline = finalDeadline.has(job.id) ? finalDeadline.get(job.id)! : job.deadlineAt;
    const release = Math.max(0, Math.floor((spec.submitAt - sc.startAt) / slotMs));
    const due = deadline === null ? slots : Math.min(slots, Math.max(release, Math.ceil((deadline - sc.startAt) / slotMs)));
    const groups = new Map<string, { hours: Record<string, number>; tasks: number }>();
    job.steps.forEach((step, k) => {
      const elig = classes.filter((c) => meets(c.caps, step.requirements) && (!c.cloud || cloudAllowed));
      const key = elig.map((c) => c.cls.name).join("|");
      const g = groups.get(key) ?? { hours: {}, tasks: 0 };
      let refSec = 0;
      for (let i = 0; i < step.taskCount; i++) refSec += trueTaskSec(sc.seed, spec, k, i);
      for (const c of elig) g.hours[c.cls.name] = (g.hours[c.cls.name] ?? 0) + refSec / speedFor(c.speed, step.kind) / 3600;
      g.tasks += step.taskCount;
      groups.set(key, g);
    });
    let k = 0;
    for (const g of groups.values()) {
      if (Object.keys(g.hours).length === 0) continue;
      jobs.push({
        id: groups.size > 1 ? `${job.id}#${k++}` : job.id, release_slot: release, deadline_slot: due,
        work_node_hours: g.hours, max_parallel: g.tasks, cloud_allowed: cloudAllowed,
      });
    }
  }
  return { slot_minutes: SLOT_MINUTES, slots, tariff, classes: classes.map((c) => c.cls), jobs };
}

/** Job id of a bounds job (split steps carry `#k`). */
export function boundsJobOwner(id: string): string {
  const i = id.lastIndexOf("#");
  return i < 0 ? id : id.slice(0, i);
}
