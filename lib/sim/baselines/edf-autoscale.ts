/**
 * `edf-autoscale` — the strong baseline, what a competent user builds instead of our planner:
 * earliest-deadline-first dispatch (edf.ts) plus deadline-aware autoscaling. Each cycle it
 * projects EDF over the on-prem farm (edf-deficit.ts); a job whose work would not fit before its
 * deadline gets cloud nodes for exactly that deficit: ⌈deficit ÷ ((time to deadline − boot) ×
 * the type's published speed for the kind)⌉, at most one per pending task, on the spot type
 * with the lowest price per unit of throughput that meets its requirements, for its own
 * client (cloud nodes are the client's, as budgets are), within the client's budget for the
 * time the fleet will run. A job that may not burst hands its deficit to earlier jobs that may
 * and share its hardware (renting for them frees the farm before its deadline). Nodes the
 * client already holds or has asked for count first; a job waiting on others lends them its
 * deadline (as any wrangler bumps a blocking job) and rents nothing itself; idle
 * ones are released after `burst.idleReleaseSec`, as Deadline Cloud auto scaling does.
 * Kind-blind and tariff-blind like the other baselines.
 */
import type { BurstRequest, CloudOffer, FarmNode, Plan, Policy, Snapshot } from "../../planner/index.ts";
import { meets, speedFor } from "../eligibility.ts";
import { edfDeficits, type JobDeficit } from "./edf-deficit.ts";
import { edf } from "./edf.ts";

export function edfAutoscale(given: Snapshot, policy: Policy, now: number): Plan {
  const snapshot = inheritDeadlines(given);
  const plan = edf(snapshot, policy, now);
  const want = new Map<string, { clientId: string; offer: CloudOffer; count: number; jobIds: string[]; kind: string; deadlineAt: number }>();
  const deficits = edfDeficits(snapshot, now, policy.safetySigma);
  const canBurst = (d: JobDeficit) => {
    const client = snapshot.clients.find((c) => c.id === d.job.clientId);
    return d.job.dependsOn.length === 0 && d.job.cloudAllowed && !!client?.cloudAllowed && client.cloudBudgetLeft > 0;
  };
  handOver(snapshot, deficits, canBurst);
  for (const d of deficits) {
    if (d.deficitSec <= 0 || !canBurst(d)) continue;
    const perWork = (o: CloudOffer) => o.spotPricePerHour / speedFor(o.speed, d.step.kind);
    const offer = snapshot.cloudOffers.filter((o) => meets(o.capabilities, d.step.requirements))
      .sort((a, b) => perWork(a) - perWork(b) || (a.instanceType < b.instanceType ? -1 : 1))[0];
    if (!offer) continue;
    // Reference seconds one node does before the deadline; an already-late job sizes on one task.
    const window = Math.max(d.taskSec, (d.job.deadlineAt! - now) / 1000 - offer.bootSec) * speedFor(offer.speed, d.step.kind);
    const nodes = Math.min(d.pendingTasks, Math.ceil(d.deficitSec / window));
    const key = `${d.job.clientId}|${offer.instanceType}`;
    const e = want.get(key) ?? { clientId: d.job.clientId, offer, count: 0, jobIds: [], kind: d.step.kind, deadlineAt: d.job.deadlineAt! };
    e.count += nodes;
    e.jobIds.push(d.job.id);
    e.deadlineAt = Math.max(e.deadlineAt, d.job.deadlineAt!);
    want.set(key, e);
  }
  const held = (clientId: string, type: string): number =>
    snapshot.nodes.filter((n) => n.pool === "cloud" && n.clientId === clientId && n.instanceType === type && (n.status === "ready" || n.status === "booting")).length
    + (snapshot.pendingBurst ?? []).filter((p) => p.clientId === clientId && p.instanceType === type).reduce((s, p) => s + p.count, 0);
  const burst: BurstRequest[] = [];
  const spend = new Map<string, number>();
  for (const e of want.values()) {
    const have = held(e.clientId, e.offer.instanceType);
    const hours = Math.max(1 / 60, (e.deadlineAt - now) / 3600_000 + e.offer.bootSec / 3600);
    const budget = (snapshot.clients.find((c) => c.id === e.clientId)?.cloudBudgetLeft ?? 0) - (spend.get(e.clientId) ?? 0);
    const affordable = Math.floor(budget / (e.offer.spotPricePerHour * hours));
    const count = Math.min(e.count - have, e.offer.maxInstances - have, Math.max(1, affordable));
    if (count <= 0) continue;
    spend.set(e.clientId, (spend.get(e.clientId) ?? 0) + count * e.offer.spotPricePerHour * hours);
    burst.push({
      clientId: e.clientId, instanceType: e.offer.instanceType, market: "spot", count, kind: e.kind, jobIds: e.jobIds,
      deadlineAt: e.deadlineAt, estimatedCost: count * e.offer.spotPricePerHour * hours,
      reason: `EDF deficit needs ${e.count} ${e.offer.instanceType}, client holds ${have}`,
    });
  }
  return { ...plan, burst, nodeActions: idleReleases(snapshot, plan, policy, now) };
}

/** A job's deadline also binds every job it waits on (transitively). */
function inheritDeadlines(snapshot: Snapshot): Snapshot {
  const due = new Map(snapshot.jobs.map((j) => [j.id, j.deadlineAt]));
  for (let changed = true; changed;) {
    changed = false;
    for (const j of snapshot.jobs) {
      const d = due.get(j.id);
      if (d === null || d === undefined) continue;
      for (const dep of j.dependsOn) {
        const cur = due.get(dep);
        if (cur !== undefined && (cur === null || cur > d)) { due.set(dep, d); changed = true; }
      }
    }
  }
  return { ...snapshot, jobs: snapshot.jobs.map((j) => ({ ...j, deadlineAt: due.get(j.id) ?? null })) };
}

/** Move the deficit of jobs that may not burst to earlier burstable jobs on the same hardware. */
function handOver(snapshot: Snapshot, ds: JobDeficit[], canBurst: (d: JobDeficit) => boolean): void {
  const onprem = snapshot.nodes.filter((n) => n.pool === "onprem");
  const share = (a: JobDeficit, b: JobDeficit) => onprem.some((n) => meets(n.capabilities, a.step.requirements) && meets(n.capabilities, b.step.requirements));
  ds.forEach((late, i) => {
    if (late.deficitSec <= 0 || canBurst(late)) return;
    let left = late.deficitSec;
    for (let k = 0; k < i && left > 0; k++) {
      const e = ds[k]!;
      if (!canBurst(e) || !share(e, late)) continue;
      const move = Math.min(e.workSec - e.deficitSec, left);
      e.deficitSec += move;
      left -= move;
    }
  });
}

function idleReleases(snapshot: Snapshot, plan: Plan, policy: Policy, now: number): Plan["nodeActions"] {
  const idleMs = policy.burst.idleReleaseSec * 1000;
  const idle = (n: FarmNode) => n.pool === "cloud" && n.status === "ready" && n.leases.length === 0 && n.idleSince !== undefined && now - n.idleSince >= idleMs;
  return snapshot.nodes.filter(idle).filter((n) => !plan.assignments.some((a) => a.nodeId === n.id))
    .map((n) => ({ nodeId: n.id, action: "release" as const, reason: `idle ${Math.round((now - n.idleSince!) / 1000)} s` }));
}
