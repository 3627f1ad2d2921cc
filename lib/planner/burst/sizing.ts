import type { BurstRequest, Client, CloudOffer, Policy, Requirements, Snapshot } from "../types.ts";
import { duration } from "../format.ts";
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
 * (Can't Be Late, NSDI'24). Capped by budget left and the account's instance limit.
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
  for (const key of [...groups.keys()].sort()) {
    const group = groups.get(key)!.sort((a, b) => a.deadlineAt - b.deadlineAt || (a.jobId < b.jobId ? -1 : 1));
    const first = group[0]!;
    const client = clients.get(first.clientId);
    const offer = client ? cheapestOffer(snapshot.cloudOffers, first, policy) : null;
    if (!client || !offer) {
      for (const d of group) refused.set(d.jobId, client ? "no cloud instance type meets its requirements" : `unknown client ${first.clientId}`);
      continue;
    }
    const request = sizeGroup(group, offer, client, policy, now, budgetLeft.get(client.id) ?? 0, inUse, snapshot, refused);
    if (!request) continue;
    budgetLeft.set(client.id, (budgetLeft.get(client.id) ?? 0) - request.estimatedCost);
    inUse.set(offer.instanceType, (inUse.get(offer.instanceType) ?? 0) + request.count);
    requests.push(request);
  }
  return { requests, refused };
}

function sizeGroup(group: Deficit[], offer: CloudOffer, client: Client, policy: Policy, now: number, budget: number, inUse: Map<string, number>, snapshot: Snapshot, refused: Map<string, string>): BurstRequest | null {
  const speed = speedOf(offer.speed, group[0]!.kind);
  let cumulative = 0;
  let nodes = 0;
  let binding = group[0]!;
  const usable: Deficit[] = [];
  for (const d of group) {
    const window = (d.deadlineAt - now) / 1000 - offer.bootSec - d.marginSec;
    if (window < d.longestTaskSec / speed) {
      refused.set(d.jobId, `too late for cloud: ${duration(offer.bootSec)} boot leaves ${duration(Math.max(0, window))} before the deadline`);
      continue;
    }
    cumulative += d.deficitSec;
    usable.push(d);
    const need = Math.ceil(cumulative / (speed * window) - 1e-9);
    if (need > nodes) { nodes = need; binding = d; }
  }
  if (nodes === 0) return null;
  const pending = (snapshot.pendingBurst ?? []).filter((p) => p.clientId === client.id && p.instanceType === offer.instanceType).reduce((t, p) => t + p.count, 0);
  nodes = Math.min(nodes - pending, offer.maxInstances - (inUse.get(offer.instanceType) ?? 0));
  if (nodes <= 0) return null;
  const window = (binding.deadlineAt - now) / 1000 - offer.bootSec;
  const perNodeSec = cumulative / (nodes * speed);
  const loss = policy.burst.interruptionLossSec + Math.min(binding.longestTaskSec / speed, policy.burst.checkpointIntervalSec);
  const market = window - binding.marginSec - perNodeSec < loss ? "on-demand" : "spot";
  const price = market === "spot" ? offer.spotPricePerHour : offer.onDemandPricePerHour;
  const hoursPerNode = (perNodeSec + offer.bootSec) / 3600;
  const affordable = Math.floor(budget / (price * hoursPerNode) + 1e-9);
  if (affordable < nodes) {
    if (affordable <= 0) {
      for (const d of usable) refused.set(d.jobId, `cloud budget exhausted (${budget.toFixed(2)} left)`);
      return null;
    }
    nodes = affordable;
  }
  const why = market === "on-demand" ? `on-demand: slack after boot cannot absorb a spot interruption (${duration(loss)})` : "spot: slack absorbs an interruption";
  return {
    clientId: client.id,
    instanceType: offer.instanceType,
    market,
    count: nodes,
    kind: group[0]!.kind,
    jobIds: usable.map((d) => d.jobId),
    deadlineAt: binding.deadlineAt,
    estimatedCost: Math.round(nodes * price * hoursPerNode * 100) / 100,
    reason: `local capacity is ${duration(cumulative)} of work short before ${binding.jobId}'s deadline; ${nodes} × ${offer.instanceType} at ${price.toFixed(3)}/h; ${why}`,
  };
}

/** Cost per unit of throughput for the kind; spot priced with its expected interruption loss. */
function cheapestOffer(offers: readonly CloudOffer[], d: Deficit, policy: Policy): CloudOffer | null {
  let best: CloudOffer | null = null;
  let bestCost = Infinity;
  for (const o of offers) {
    if (unmetRequirement(o.capabilities, d.requirements) !== null) continue;
    const lossHours = (policy.burst.interruptionLossSec + Math.min(d.longestTaskSec, policy.burst.checkpointIntervalSec)) / 3600;
    const spot = o.spotPricePerHour * (1 + o.spotInterruptionPerHour * lossHours);
    const cost = Math.min(spot, o.onDemandPricePerHour) / speedOf(o.speed, d.kind);
    if (cost < bestCost - 1e-12 || (Math.abs(cost - bestCost) <= 1e-12 && best && o.instanceType < best.instanceType)) {
      best = o;
      bestCost = cost;
    }
  }
  return best;
}

function instancesInUse(snapshot: Snapshot): Map<string, number> {
  const m = new Map<string, number>();
  for (const n of snapshot.nodes) {
    if (n.pool === "cloud" && n.instanceType && n.status !== "offline") m.set(n.instanceType, (m.get(n.instanceType) ?? 0) + 1);
  }
  for (const p of snapshot.pendingBurst ?? []) m.set(p.instanceType, (m.get(p.instanceType) ?? 0) + p.count);
  return m;
}
