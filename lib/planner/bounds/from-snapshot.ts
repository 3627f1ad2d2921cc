/**
 * Snapshot → BoundsInstance. Every simplification below makes the instance a RELAXATION of the
 * real farm (more capacity, less work, fewer constraints), so a lower bound computed on it is also
 * a lower bound for real schedules (up to the runtime estimates themselves):
 * - time starts at `now`; a deadline rounds UP to a slot boundary, boot latency rounds DOWN;
 * - jobs without a deadline or with one beyond the horizon are left out (they constrain nothing
 *   inside the horizon); suspended and failed jobs too;
 * - on-prem nodes are grouped into classes of identical capabilities, speed and busy power;
 *   draining/offline/disabled nodes give no capacity, asleep nodes count as available, booting
 *   nodes count from their `readyAt`; cloud nodes already running count as local capacity;
 * - blocklists, client max shares, cloud budgets (beyond "zero budget = no cloud") and intra-job
 *   step order are ignored;
 * - a job's steps with the same eligible classes are summed; steps with different eligible
 *   classes become separate bounds jobs (`jobId#stepA+stepB`) so no class is wrongly excluded;
 * - running tasks count with their lease's expected remaining time (converted to the reference
 *   speed); running tasks without a lease in the snapshot count as a whole task;
 * - release: 0, or the earliest a job's dependencies could finish (their work on the fastest
 *   eligible class at full parallelism), rounded DOWN.
 * Cloud classes: one per offer, `cloud:<type>`, priced at spot divided by the expected useful
 * fraction (1 − interruptions/h × loss h), or at on-demand with `cloudMarket: "on-demand"`.
 */
import type { CloudOffer, FarmNode, Job, Policy, Snapshot, Step } from "../types.ts";
import { satisfies } from "./eligibility.ts";
import type { BoundsClass, BoundsInstance, BoundsJob } from "./instance.ts";
import { tariffPerSlot } from "./tariff-slots.ts";

export interface InstanceOptions {
  slotMinutes: number;
  horizonSlots: number;
  cloudMarket?: "spot" | "on-demand";
}

interface ClassInfo { cls: BoundsClass; caps: FarmNode["capabilities"]; speed: Record<string, number> }

const UNAVAILABLE = new Set(["draining", "offline", "disabled"]);

export function instanceFromSnapshot(snapshot: Snapshot, policy: Policy, now: number, opts: InstanceOptions): BoundsInstance {
  if (!(opts.slotMinutes > 0)) throw new Error(`slotMinutes: must be > 0, got ${opts.slotMinutes}`);
  if (!Number.isInteger(opts.horizonSlots) || opts.horizonSlots <= 0) throw new Error(`horizonSlots: must be a positive integer, got ${opts.horizonSlots}`);
  const slotMs = opts.slotMinutes * 60_000;
  const S = opts.horizonSlots;
  const classes = [...localClasses(snapshot.nodes, now, slotMs, S), ...cloudClasses(snapshot.cloudOffers, policy, slotMs, opts.cloudMarket ?? "spot")];
  const leaseRef = leaseRemaining(snapshot, now);
  const clients = new Map(snapshot.clients.map((c) => [c.id, c]));
  const byId = new Map(snapshot.jobs.map((j) => [j.id, j]));
  const groups = new Map<string, BoundsJob[]>();
  for (const job of snapshot.jobs) groups.set(job.id, jobGroups(job, classes, leaseRef));

  const release = releaseHours(byId, groups);
  const jobs: BoundsJob[] = [];
  for (const job of snapshot.jobs) {
    if (job.suspended || job.errorCount >= policy.failures.errorsPerJob || job.deadlineAt === null) continue;
    const deadlineSlot = Math.max(0, Math.ceil((job.deadlineAt - now) / slotMs));
    if (deadlineSlot > S) continue;
    const client = clients.get(job.clientId);
    const cloudAllowed = job.cloudAllowed && !!client?.cloudAllowed && client.cloudBudgetLeft > 0;
    const releaseSlot = Math.min(S, Math.floor((release(job.id) * 3_600_000) / slotMs));
    for (const g of groups.get(job.id)!) {
      jobs.push({ ...g, release_slot: releaseSlot, deadline_slot: deadlineSlot, cloud_allowed: cloudAllowed });
    }
  }
  return {
    slot_minutes: opts.slotMinutes,
    slots: S,
    tariff: tariffPerSlot(snapshot.tariff, now, slotMs, S),
    classes: classes.map((c) => c.cls),
    jobs,
  };
}

function localClasses(nodes: FarmNode[], now: number, slotMs: number, S: number): ClassInfo[] {
  const byKey = new Map<string, { node: FarmNode; perSlot: number[] }>();
  for (const node of nodes) {
    if (UNAVAILABLE.has(node.status)) continue;
    const key = JSON.stringify([node.pool, sortedObj(node.capabilities), sortedObj(node.speed), node.powerBusyW]);
    let entry = byKey.get(key);
    if (!entry) byKey.set(key, (entry = { node, perSlot: new Array<number>(S).fill(0) }));
    const from = node.status === "booting" ? Math.max(0, Math.floor(((node.readyAt ?? now) - now) / slotMs)) : 0;
    for (let t = from; t < S; t++) entry.perSlot[t]! += node.slots;
  }
  return [...byKey.keys()].sort().map((key, i) => {
    const { node, perSlot } = byKey.get(key)!;
    const c = node.capabilities;
    const prefix = node.pool === "cloud" ? `rented:${node.instanceType ?? "node"}` : `local:${c.os}-${c.vcpu}c-${c.gpuCount}gpu`;
    const constant = perSlot.every((n) => n === perSlot[0]);
    return {
      caps: c,
      speed: node.speed,
      cls: { name: `${prefix}#${i}`, local_nodes: constant ? (perSlot[0] ?? 0) : perSlot, power_kw_busy: node.pool === "cloud" ? 0 : node.powerBusyW / 1000, cloud_price_per_node_hour: null, cloud_boot_slots: 0 },
    };
  });
}

function cloudClasses(offers: CloudOffer[], policy: Policy, slotMs: number, market: "spot" | "on-demand"): ClassInfo[] {
  const lossHours = policy.burst.interruptionLossSec / 3600;
  return offers.map((o) => {
    const useful = Math.max(0.1, 1 - o.spotInterruptionPerHour * lossHours);
    const price = market === "spot" ? o.spotPricePerHour / useful : o.onDemandPricePerHour;
    return {
      caps: o.capabilities,
      speed: o.speed,
      cls: { name: `cloud:${o.instanceType}`, local_nodes: 0, power_kw_busy: 0, cloud_price_per_node_hour: policy.burst.enabled ? price : null, cloud_boot_slots: Math.floor((o.bootSec * 1000) / slotMs) },
    };
  });
}

/** Reference-speed seconds still to run in leased tasks, per `jobId␀step`, and how many leases. */
function leaseRemaining(snapshot: Snapshot, now: number): Map<string, { refSec: number; count: number }> {
  const kindOf = new Map<string, string>();
  for (const j of snapshot.jobs) for (const s of j.steps) kindOf.set(`${j.id}\u0000${s.name}`, s.kind);
  const out = new Map<string, { refSec: number; count: number }>();
  for (const node of snapshot.nodes) {
    for (const l of node.leases) {
      const key = `${l.jobId}\u0000${l.stepName}`;
      const kind = kindOf.get(key);
      if (kind === undefined) continue;
      const e = out.get(key) ?? { refSec: 0, count: 0 };
      e.refSec += (Math.max(0, l.expectedEndAt - now) / 1000) * (node.speed[kind] ?? 1);
      e.count += 1;
      out.set(key, e);
    }
  }
  return out;
}

function pendingCount(step: Step): number {
  let n = 0;
  for (const r of step.pending) n += r.to - r.from + 1;
  return n;
}

/** The job's steps, grouped by eligible class set; work in node-hours per class. */
function jobGroups(job: Job, classes: ClassInfo[], leaseRef: Map<string, { refSec: number; count: number }>): BoundsJob[] {
  const byKey = new Map<string, { names: string[]; eligible: ClassInfo[]; work: Record<string, number>; tasks: number }>();
  for (const step of job.steps) {
    const lease = leaseRef.get(`${job.id}\u0000${step.name}`) ?? { refSec: 0, count: 0 };
    const taskSec = step.framesPerTask * step.secondsPerFrame;
    const refSec = pendingCount(step) * taskSec + lease.refSec + Math.max(0, step.runningTasks - lease.count) * taskSec;
    if (!(refSec > 0)) continue;
    const eligible = classes.filter((c) => satisfies(c.caps, step.requirements));
    const key = eligible.map((c) => c.cls.name).join("|");
    let g = byKey.get(key);
    if (!g) byKey.set(key, (g = { names: [], eligible, work: {}, tasks: 0 }));
    g.names.push(step.name);
    g.tasks += pendingCount(step) + step.runningTasks;
    for (const c of eligible) g.work[c.cls.name] = (g.work[c.cls.name] ?? 0) + refSec / (c.speed[step.kind] ?? 1) / 3600;
  }
  const many = byKey.size > 1;
  return [...byKey.values()].map((g) => ({
    id: many ? `${job.id}#${g.names.join("+")}` : job.id,
    release_slot: 0,
    deadline_slot: 0,
    work_node_hours: g.work,
    max_parallel: Math.max(1, g.tasks),
    cloud_allowed: false,
  }));
}

/** Earliest hour (from now) each job could start: its dependencies' fastest possible finish. */
function releaseHours(byId: Map<string, Job>, groups: Map<string, BoundsJob[]>): (id: string) => number {
  const memo = new Map<string, number>();
  const finish = (id: string, seen: Set<string>): number => {
    const cached = memo.get(id);
    if (cached !== undefined) return cached;
    if (seen.has(id) || !byId.has(id)) return 0; // cycles are the planner's to report; unknown ids: relax
    seen.add(id);
    const start = startOf(id, seen);
    let dur = 0;
    for (const g of groups.get(id) ?? []) {
      const fastest = Math.min(...Object.values(g.work_node_hours));
      if (Number.isFinite(fastest)) dur = Math.max(dur, fastest / (g.max_parallel ?? Infinity));
    }
    seen.delete(id);
    memo.set(id, start + dur);
    return start + dur;
  };
  const startOf = (id: string, seen: Set<string>): number => {
    let s = 0;
    for (const dep of byId.get(id)?.dependsOn ?? []) s = Math.max(s, finish(dep, seen));
    return s;
  };
  return (id) => startOf(id, new Set([id]));
}

function sortedObj(o: object): [string, unknown][] {
  return Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, v]) => [k, v && typeof v === "object" && !Array.isArray(v) ? sortedObj(v) : v]);
}
