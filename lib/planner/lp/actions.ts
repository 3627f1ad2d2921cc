import type { BurstRequest, FarmNode, Job, Snapshot } from "../types.ts";
import { ceilingRoom, ceilingText, roomFor, takeRoom } from "../burst/ceiling-room.ts";
import { clock, dateTime, duration } from "../format.ts";
import { speedOf } from "../matching/node-classes.ts";
import type { Group } from "./groups.ts";
import type { LpReading } from "./read.ts";
import { type CloudResource, heldCloud, type Resource } from "./resources.ts";
import type { SlotGrid } from "./slots.ts";

/**
 * Cloud rentals from the LP's first usable slots. Per client × offer, the nodes the LP wants in
 * the first slot a node asked for now can work (and the one after) beyond those held or already
 * asked for; asked for only when that is at least `1 − HYSTERESIS` of a node and at least one
 * task of work (so requests do not flip on rounding noise; idle nodes are released after the
 * policy's idle time, never by the LP's wobble). Spot when its expected cost (interruptions redo
 * the lost work) is below on-demand and the binding group's slack after boot absorbs one
 * interruption; else on-demand (Can't Be Late, NSDI'24).
 */
const HYSTERESIS = 0.3;

/** Whole nodes for a fractional LP amount (a slot-0 quota, a rental kept): rounded up past the hysteresis. */
export function nodesOf(q: number): number {
  return Math.max(0, Math.ceil(q - HYSTERESIS));
}

export function burstFromLp(r: LpReading, groups: readonly Group[], clouds: readonly CloudResource[], snapshot: Snapshot, grid: SlotGrid, now: number, lossSec: number): { requests: BurstRequest[]; byJob: Map<string, string>; refused: Map<string, string> } {
  const requests: BurstRequest[] = [];
  const byJob = new Map<string, string>();
  /** Jobs whose rental the farm's cloud ceiling refused outright (their at-risk sentence says so). */
  const refused = new Map<string, string>();
  const room = ceilingRoom(snapshot);
  // The rented nodes, found once: each rental below counts those it holds and those in use (not the thousands on-prem).
  const cloudNodes = snapshot.nodes.filter((n) => n.pool === "cloud");
  for (const [key, perSlot] of [...r.rent.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    const [clientId, oi] = key.split("|") as [string, string];
    const c = clouds[Number(oi)]!;
    const b = c.firstSlot;
    if (b >= grid.count) continue;
    const want = Math.max(perSlot[b] ?? 0, perSlot[b + 1] ?? 0);
    const have = heldCloud(snapshot, clientId, c.offer, grid.startAt[b]!, true, cloudNodes);
    const need = want - have;
    if (need < 1 - HYSTERESIS) continue;
    const users = groups.filter((g) => g.clientId === clientId && g.clouds.includes(c) && r.cloudH[g.index]! > 0);
    const work = users.reduce((t, g) => t + r.cloudH[g.index]! * speedOf(c.offer.speed, g.kind), 0);
    const minTask = Math.min(...users.map((g) => g.taskH));
    if (users.length === 0 || work < minTask) continue;
    let inUse = 0;
    for (const n of cloudNodes) if (n.instanceType === c.offer.instanceType && n.status !== "offline") inUse++;
    for (const p of snapshot.pendingBurst ?? []) if (p.instanceType === c.offer.instanceType) inUse += p.count;
    for (const q of requests) if (q.instanceType === c.offer.instanceType) inUse += q.count;
    const wanted = Math.min(Math.ceil(need - HYSTERESIS), c.offer.maxInstances - inUse);
    if (wanted <= 0) continue;
    const binding = users.reduce((m, g) => ((g.dueAt ?? Infinity) < (m.dueAt ?? Infinity) ? g : m), users[0]!);
    let lastRent = b;
    for (let t = b; t < grid.count; t++) if ((perSlot[t] ?? 0) > 1e-6) lastRent = t;
    const hours = (grid.startAt[lastRent + 1]! - now) / 3600_000;
    const speed = speedOf(c.offer.speed, binding.kind);
    const taskH = binding.taskH / speed;
    const slackH = ((binding.dueAt ?? now) - now) / 3600_000 - c.offer.bootSec / 3600 - r.cloudH[binding.index]! / Math.max(1, want);
    const lossH = lossSec / 3600 + taskH;
    const spotCost = c.offer.spotPricePerHour * (1 + c.offer.spotInterruptionPerHour * lossH);
    // On-demand only when an interruption is both likely enough over the rental and unabsorbable.
    const interruptP = 1 - Math.exp(-c.offer.spotInterruptionPerHour * hours);
    const spot = spotCost < c.offer.onDemandPricePerHour && (slackH >= lossH || interruptP < 0.05);
    const price = spot ? c.offer.spotPricePerHour : c.offer.onDemandPricePerHour;
    // The farm's ceiling, rented and requested nodes included: the same room the greedy sizing uses.
    const cap = roomFor(room, price);
    const count = Math.min(wanted, cap);
    const jobIds = [...new Set(users.flatMap((g) => g.members.map((m) => m.s.job.id)))].sort();
    if (count <= 0) {
      for (const id of jobIds) if (!refused.has(id)) refused.set(id, `${ceilingText(snapshot)} is reached`);
      continue;
    }
    takeRoom(room, count, price);
    // The LP's farm rows plan within the ceiling already: a request that fills it says so too.
    const trimmed = count < wanted ? ` (${wanted} wanted; ${ceilingText(snapshot)} allows ${count})`
      : count === cap ? ` (up to ${ceilingText(snapshot)})` : "";
    const why = spot ? `spot: its expected cost with ${(c.offer.spotInterruptionPerHour * 100).toFixed(1)}%/h interruptions is below on-demand and ${slackH >= lossH ? `the slack absorbs one (${duration(lossH * 3600)})` : `an interruption within ${duration(hours * 3600)} is ${(interruptP * 100).toFixed(1)}% likely`}`
      : `on-demand: ${slackH < lossH ? `the slack after boot cannot absorb a spot interruption (${duration(lossH * 3600)})` : "spot's expected cost is not lower"}`;
    const reason = `${purpose(binding, r, grid, work)}; ${count} × ${c.offer.instanceType} from ${clock(grid.startAt[b]!)} at ${price.toFixed(3)}/h${trimmed}; ${why}`;
    for (const id of jobIds) byJob.set(id, reason);
    requests.push({
      clientId, instanceType: c.offer.instanceType, market: spot ? "spot" : "on-demand", count, kind: binding.kind, jobIds,
      deadlineAt: binding.dueAt ?? grid.startAt[grid.count]!, estimatedCost: Math.round(count * price * hours * 100) / 100, reason,
    });
  }
  return { requests, byJob, refused };
}

/** What the rented work buys: a deadline kept, or — for work that misses anyway — an earlier finish. */
function purpose(binding: Group, r: LpReading, grid: SlotGrid, work: number): string {
  const rented = `${duration(work * 3600)} of rented work`;
  if (binding.dueAt === null) return `the LP meets the work only with ${rented}`;
  if (r.missH[binding.index]! <= 1e-6) return `the LP meets the deadline ${dateTime(binding.dueAt)} only with ${rented}`;
  const last = r.lastSlot[binding.index]!;
  const finish = last >= 0 ? grid.startAt[last + 1]! : null;
  // The last planned start past the deadline says how late; one before it says nothing (credit comes when tasks end).
  const late = finish !== null && finish > binding.dueAt ? ` (by ${dateTime(finish)}, ~${duration((finish - binding.dueAt) / 1000)} late)` : "";
  return `the deadline ${dateTime(binding.dueAt)} will be missed; ${rented} finishes it sooner${late}`;
}

/**
 * Late jobs that may burst while the farm's cloud ceiling leaves no room for one more rented node
 * (the LP's farm rows kept their rentals at zero): the ceiling is why they are late, and they say so.
 */
export function refusedByCeiling(late: readonly Job[], clouds: readonly CloudResource[], snapshot: Snapshot, requests: readonly BurstRequest[], refused: Map<string, string>): void {
  if (!snapshot.cloudLimits || clouds.length === 0) return;
  const cheapest = Math.min(...clouds.map((c) => c.pricePerHour));
  if (roomFor(ceilingRoom(snapshot, requests), cheapest) > 0) return;
  for (const j of late) if (!refused.has(j.id)) refused.set(j.id, `${ceilingText(snapshot)} is reached`);
}

/** Asleep nodes to wake: the LP's woken slot-hours in the first two slots, as whole nodes. */
export function wakeFromLp(r: LpReading, resources: readonly Resource[], grid: SlotGrid): FarmNode[] {
  const out: FarmNode[] = [];
  for (const res of resources) {
    const hours = grid.hours[0]! + grid.hours[1]!;
    const count = Math.ceil(r.wakeH[res.index]! / hours - HYSTERESIS);
    if (count <= 0) continue;
    const asleep = res.classes.flatMap((c) => c.nodes.filter((n) => n.status === "asleep")).sort((a, b) => (a.id < b.id ? -1 : 1));
    out.push(...asleep.slice(0, count));
  }
  return out;
}
