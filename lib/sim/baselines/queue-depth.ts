/**
 * `queue-depth` — priority dispatch (Deadline 10 default order) plus cloud autoscaling on queue
 * depth, as the Deadline Spot Event Plugin / Deadline Cloud auto scaling do: the fleet's
 * target is the number of queued cloud-eligible tasks (one task per instance), grown by at
 * most 10 instances per cycle, cheapest spot type that meets the job's hard requirements,
 * idle instances released after `burst.idleReleaseSec` (300 s default). Blind to deadlines
 * and tariffs: it scales whenever work queues, even if local capacity would finish in time.
 */
import type { BurstRequest, CloudOffer, Plan, Policy, Snapshot } from "../../planner/index.ts";
import { meets } from "../eligibility.ts";
import { priority } from "./priority.ts";

const MAX_STEP = 10;

export function queueDepth(snapshot: Snapshot, policy: Policy, now: number): Plan {
  const plan = priority(snapshot, policy, now);
  const assigned = new Map<string, number>();
  for (const a of plan.assignments) if (!a.queued) assigned.set(a.jobId, (assigned.get(a.jobId) ?? 0) + 1);
  const cloudNodes = snapshot.nodes.filter((n) => n.pool === "cloud" && (n.status === "ready" || n.status === "booting"));
  const byClient = new Map<string, { count: number; offer: CloudOffer; jobIds: string[]; kind: string }>();
  for (const d of plan.jobs) {
    if (d.outcome === "waiting") continue;
    const job = snapshot.jobs.find((j) => j.id === d.jobId)!;
    const client = snapshot.clients.find((c) => c.id === job.clientId);
    if (!job.cloudAllowed || !client?.cloudAllowed || client.cloudBudgetLeft <= 0) continue;
    const queued = job.steps.reduce((s, st) => s + st.pending.reduce((k, r) => k + r.to - r.from + 1, 0), 0) - (assigned.get(job.id) ?? 0);
    if (queued <= 0) continue;
    const req = job.steps[0]!.requirements;
    const offer = [...snapshot.cloudOffers].filter((o) => meets(o.capabilities, req)).sort((a, b) => a.spotPricePerHour - b.spotPricePerHour)[0];
    if (!offer) continue;
    const e = byClient.get(job.clientId) ?? { count: 0, offer, jobIds: [], kind: job.steps[0]!.kind };
    e.count += queued;
    e.jobIds.push(job.id);
    byClient.set(job.clientId, e);
  }
  const burst: BurstRequest[] = [];
  for (const [clientId, e] of byClient) {
    const have = cloudNodes.filter((n) => n.clientId === clientId).length + (snapshot.pendingBurst ?? []).filter((p) => p.clientId === clientId).reduce((s, p) => s + p.count, 0);
    const count = Math.min(MAX_STEP, e.count - have, e.offer.maxInstances - have);
    if (count <= 0) continue;
    burst.push({
      clientId, instanceType: e.offer.instanceType, market: "spot", count, kind: e.kind, jobIds: e.jobIds,
      deadlineAt: now, estimatedCost: count * e.offer.spotPricePerHour, reason: `queue depth ${e.count}, fleet ${have}`,
    });
  }
  const idleMs = policy.burst.idleReleaseSec * 1000;
  const nodeActions = snapshot.nodes
    .filter((n) => n.pool === "cloud" && n.status === "ready" && n.leases.length === 0 && n.idleSince !== undefined && now - n.idleSince >= idleMs)
    .filter((n) => !plan.assignments.some((a) => a.nodeId === n.id))
    .map((n) => ({ nodeId: n.id, action: "release" as const, reason: `idle ${Math.round((now - n.idleSince!) / 1000)} s` }));
  return { ...plan, burst, nodeActions };
}
