import type { BurstRequest, Client, CloudOffer, Policy, Requirements, Snapshot } from "../types.ts";
import { duration } from "../format.ts";
import { type CeilingRoom, ceilingRoom, ceilingText, roomFor, takeRoom } from "./ceiling-room.ts";
import { requirementsKey, unmetRequirement } from "../matching/requirements.ts";
import { speedOf } from "../matching/node-classes.ts";

export interface Deficit {
  jobId: string;
  clientId: string;
  kind: string;
  requirements: Requirements;
  deadlineAt: number;
  /** Reference seconds that local capacity cannot do in time. */
  deficitSec: number;
  longestTaskSec: number;
  marginSec: number;
  /** Progress survives an interruption up to the last checkpoint. */
  checkpointable: boolean;
  /** The job cannot start before this (its prerequisites' projected finish). */
  startAt: number;
}

export interface SizingResult {
  requests: BurstRequest[];
  /** Per job: why no cloud could be had (budget, no offer, too late), when that is the case. */
  refused: Map<string, string>;
}

/**
 * Deficits become cloud requests. Per client and requirement set, in deadline order, the
 * cumulative deficit D(d) must be done between boot and d: nodes = max over d of
 * ⌈D(d) ÷ (speed × (d − now − boot))⌉ (the EDF-prefix form). The instance type is the one with
 * the least cost per unit of throughput for the kind; spot unless the slack left after boot
 * cannot absorb an interruption (2-minute notice + requeue + lost progress), then on-demand
 * (Can't Be Late, NSDI'24). Capped by budget left, the account's instance limit and the farm's
 * cloud ceiling (ceiling-room.ts, rented and requested nodes included).
 */
export function sizeBurst(deficits: readonly Deficit[], snapshot: Snapshot, policy: Policy, now: number): SizingResult {
  const requests: BurstRequest[] = [];
  const refused = new Map<string, string>();
  const clients = new Map(snapshot.clients.map((c) => [c.id, c]));
  const groups = new Map<string, Deficit[]>();
  for (const d of deficits) {
    const key = `${d.clientId}|${d.kind}|${requirementsKey(d.requirements)}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = []));
    g.push(d);
  }
  const budgetLeft = new Map(snapshot.clients.map((c) => [c.id, c.cloudBudgetLeft]));
  const inUse = instancesInUse(snapshot);
  const room = ceilingRoom(snapshot);
  for (const key of [...groups.keys()].sort()) {
    const group = groups.get(key)!.sort((a, b) => a.deadlineAt - b.deadlineAt || (a.jobId < b.jobId ? -1 : 1));
    const first = group[0]!;
    const client = clients.get(first.clientId);
    const offers = client ? rankedOffers(snapshot.cloudOffers, first, policy) : [];
    if (!client || offers.length === 0) {
      for (const d of group) refused.set(d.jobId, client ? "no cloud instance type meets its requirements" : `unknown client ${first.clientId}`);
      continue;
    }
    // Cheapest type first; what its instance limit leaves uncovered spills to the next type.
    let remaining = group;
    for (const [i, offer] of offers.entries()) {
      const sized = sizeGroup(remaining, offer, client, policy, now, budgetLeft.get(client.id) ?? 0, inUse, room, snapshot, i === 0 ? refused : new Map());
      if (!sized) continue;
      const { request, covered } = sized;
      if (!request) {
        if (covered >= 1) break;
        continue;
      }
      budgetLeft.set(client.id, (budgetLeft.get(client.id) ?? 0) - request.estimatedCost);
      inUse.set(offer.instanceType, (inUse.get(offer.instanceType) ?? 0) + request.count);
      requests.push(request);
      if (covered >= 1 - 1e-9 || (budgetLeft.get(client.id) ?? 0) <= 0) break;
      remaining = remaining.map((d) => ({ ...d, deficitSec: d.deficitSec * (1 - covered) }));
    }
  }
  return { requests, refused };
}

/** One instance type's request for the group, and the fraction of the deficit it covers. */
function sizeGroup(group: Deficit[], offer: CloudOffer, client: Client, policy: Policy, now: number, budget: number, inUse: Map<string, number>, room: CeilingRoom, snapshot: Snapshot, refused: Map<string, string>): { request: BurstRequest | null; covered: number } | null {
  const speed = speedOf(offer.speed, group[0]!.kind);
  const loss = interruptionLoss(group[0]!, speed, policy);
  const onDemand = prefixNodes(group, offer, speed, now, 0);
  for (const [id, why] of onDemand.tooLate) refused.set(id, why);
  if (onDemand.nodes === 0) return null;
  // Spot must finish even after losing `loss` seconds to an interruption; if that is impossible
  // or dearer than on-demand, rent on-demand.
  const spot = prefixNodes(onDemand.usable, offer, speed, now, loss);
  const cost = (n: number, price: number, work: number) => n * price * (work / (n * speed) + offer.bootSec) / 3600;
  const spotOk = spot.tooLate.size === 0 && spot.nodes > 0 && cost(spot.nodes, offer.spotPricePerHour, spot.work) <= cost(onDemand.nodes, offer.onDemandPricePerHour, onDemand.work);
  const chosen = spotOk ? spot : onDemand;
  const market = spotOk ? "spot" : "on-demand";
  const price = spotOk ? offer.spotPricePerHour : offer.onDemandPricePerHour;
  const pending = (snapshot.pendingBurst ?? []).filter((p) => p.clientId === client.id && p.instanceType === offer.instanceType).reduce((t, p) => t + p.count, 0);
  if (chosen.nodes <= pending) return { request: null, covered: 1 }; // already asked for
  let nodes = Math.min(chosen.nodes - pending, offer.maxInstances - (inUse.get(offer.instanceType) ?? 0));
  if (nodes <= 0) return { request: null, covered: pending / chosen.nodes }; // at the instance limit: spill
  const wanted = nodes;
  nodes = Math.min(nodes, roomFor(room, price));
  if (nodes <= 0) {
    for (const d of chosen.usable) if (!refused.has(d.jobId)) refused.set(d.jobId, `${ceilingText(snapshot)} is reached`);
    return { request: null, covered: pending / chosen.nodes }; // a cheaper type may still fit the spend ceiling
  }
  const hoursPerNode = (chosen.work / (nodes * speed) + offer.bootSec) / 3600;
  const affordable = Math.floor(budget / (price * hoursPerNode) + 1e-9);
  if (affordable < nodes) {
    if (affordable <= 0) {
      for (const d of chosen.usable) refused.set(d.jobId, `cloud budget exhausted (${budget.toFixed(2)} left)`);
      return null;
    }
    nodes = affordable;
  }
  takeRoom(room, nodes, price);
  const trimmed = nodes < wanted && nodes < affordable ? ` (${ceilingText(snapshot)} allows ${nodes})` : "";
  const why = spotOk ? `spot: slack absorbs an interruption (${duration(loss)})` : `on-demand: slack after boot cannot absorb a spot interruption (${duration(loss)})`;
  const covered = Math.min(1, (nodes + pending) / chosen.nodes);
  const request: BurstRequest = {
    clientId: client.id,
    instanceType: offer.instanceType,
    market,
    count: nodes,
    kind: group[0]!.kind,
    jobIds: chosen.usable.map((d) => d.jobId),
    deadlineAt: chosen.binding.deadlineAt,
    estimatedCost: Math.round(nodes * price * hoursPerNode * 100) / 100,
    reason: `local capacity is ${duration(chosen.work)} of work short before ${chosen.binding.jobId}'s deadline; ${nodes} × ${offer.instanceType} at ${price.toFixed(3)}/h${trimmed}; ${why}`,
  };
  return { request, covered };
}

/** EDF prefix: nodes = max over deadlines d of ⌈D(d) ÷ (speed × usable window before d)⌉. */
function prefixNodes(group: readonly Deficit[], offer: CloudOffer, speed: number, now: number, lossSec: number) {
  let work = 0;
  let nodes = 0;
  let binding = group[0]!;
  const usable: Deficit[] = [];
  const tooLate = new Map<string, string>();
  for (const d of group) {
    const from = Math.max(now + offer.bootSec * 1000, d.startAt);
    const window = (d.deadlineAt - from) / 1000 - d.marginSec - lossSec;
    if (window < d.longestTaskSec / speed) {
      const cause = d.startAt > now + offer.bootSec * 1000 ? `its prerequisites finish at the earliest in ${duration((d.startAt - now) / 1000)}` : `${duration(offer.bootSec)} boot`;
      tooLate.set(d.jobId, `too late for cloud: ${cause}, leaving ${duration(Math.max(0, window + lossSec))} before the deadline`);
      continue;
    }
    work += d.deficitSec;
    usable.push(d);
    const need = Math.ceil(work / (speed * window) - 1e-9);
    if (need > nodes) { nodes = need; binding = d; }
  }
  return { nodes, work, binding, usable, tooLate };
}

/** Offers that meet the requirements, by cost per unit of throughput for the kind (spot priced with its expected interruption loss). */
function rankedOffers(offers: readonly CloudOffer[], d: Deficit, policy: Policy): CloudOffer[] {
  const cost = (o: CloudOffer) => {
    const lossHours = interruptionLoss(d, speedOf(o.speed, d.kind), policy) / 3600;
    const spot = o.spotPricePerHour * (1 + o.spotInterruptionPerHour * lossHours);
    return Math.min(spot, o.onDemandPricePerHour) / speedOf(o.speed, d.kind);
  };
  return offers
    .filter((o) => unmetRequirement(o.capabilities, d.requirements) === null)
    .map((o) => ({ o, c: cost(o) }))
    .sort((a, b) => a.c - b.c || (a.o.instanceType < b.o.instanceType ? -1 : 1))
    .map((x) => x.o);
}

/** Seconds a spot interruption costs: notice and requeue, plus the progress lost with the task. */
function interruptionLoss(d: Deficit, speed: number, policy: Policy): number {
  const task = d.longestTaskSec / speed;
  return policy.burst.interruptionLossSec + (d.checkpointable ? Math.min(task, policy.burst.checkpointIntervalSec) : task);
}

function instancesInUse(snapshot: Snapshot): Map<string, number> {
  const m = new Map<string, number>();
  for (const n of snapshot.nodes) {
    if (n.pool === "cloud" && n.instanceType && n.status !== "offline") m.set(n.instanceType, (m.get(n.instanceType) ?? 0) + 1);
  }
  for (const p of snapshot.pendingBurst ?? []) m.set(p.instanceType, (m.get(p.instanceType) ?? 0) + p.count);
  return m;
}
