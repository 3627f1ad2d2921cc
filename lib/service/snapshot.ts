/**
 * Stored records → the planner's Snapshot. Jobs arrive as aggregates (pending ranges, lease
 * counts), nodes get their leases from the jobs (the job record is the truth), so the whole
 * input is: active jobs + nodes + clients + settings — a few Query pages, not a row per frame.
 */
import type { Client, FarmNode, Job, Lease, Snapshot } from "../planner/index.ts";
import { taskId } from "../planner/index.ts";
import type { ClientRecord, FarmSettings, JobRecord, LeaseRecord, NodeRecord } from "./model.ts";
import { countRanges } from "./ranges.ts";

/** When a lease really lapses: at grant + leaseSec, pushed out by each poll that reports it. */
export function renewedUntil(node: NodeRecord | undefined, lease: LeaseRecord, leaseSec: number): number | undefined {
  if (!node || !node.holding.some((h) => h.token === lease.token)) return undefined;
  return node.lastSeenAt + leaseSec * 1000;
}

export function effectiveExpiry(node: NodeRecord | undefined, lease: LeaseRecord, leaseSec: number): number {
  return Math.max(lease.expiresAt, renewedUntil(node, lease, leaseSec) ?? 0);
}

export interface SnapshotInput {
  jobs: JobRecord[];
  /** Finished jobs some active job depends on (done ones are dropped from `dependsOn`). */
  finishedDeps: Map<string, JobRecord>;
  nodes: NodeRecord[];
  clients: ClientRecord[];
  settings: FarmSettings;
  pendingBurst: Snapshot["pendingBurst"];
  now: number;
  /** The farm's cloud ceiling (ServiceDeps.cloudLimits). */
  cloudLimits?: Snapshot["cloudLimits"];
}

export function buildSnapshot(x: SnapshotInput): Snapshot {
  const nodesById = new Map(x.nodes.map((n) => [n.id, n]));
  const leaseSec = x.settings.policy.leaseSec;
  const leasesByNode = new Map<string, Lease[]>();
  for (const j of x.jobs) for (const s of j.steps) for (const l of s.leases) {
    const list = leasesByNode.get(l.nodeId) ?? [];
    list.push({
      taskId: taskId(j.id, s.name, l.taskIndex), jobId: j.id, stepName: s.name, taskIndex: l.taskIndex,
      startedAt: l.grantedAt, expiresAt: effectiveExpiry(nodesById.get(l.nodeId), l, leaseSec), expectedEndAt: l.expectedEndAt,
    });
    leasesByNode.set(l.nodeId, list);
  }
  return {
    jobs: x.jobs.map((j) => toJob(j, x.finishedDeps)),
    nodes: x.nodes.map((n) => toNode(n, leasesByNode.get(n.id) ?? [], x.now, leaseSec, x.settings.policy.burst.checkpointIntervalSec)),
    clients: x.clients.map(toClient),
    tariff: x.settings.tariff,
    cloudOffers: x.settings.cloudOffers,
    ...(x.pendingBurst ? { pendingBurst: x.pendingBurst } : {}),
    ...(x.cloudLimits ? { cloudLimits: x.cloudLimits } : {}),
  };
}

function toJob(j: JobRecord, finished: Map<string, JobRecord>): Job {
  return {
    id: j.id, clientId: j.clientId, name: j.name, priority: j.priority, submittedAt: j.submittedAt, deadlineAt: j.deadlineAt,
    steps: j.steps.map((s) => ({
      name: s.name, dependsOn: s.dependsOn, kind: s.kind, role: s.role, taskCount: s.taskCount, framesPerTask: s.framesPerTask,
      pending: s.pending, runningTasks: s.leases.length, doneTasks: countRanges(s.done),
      secondsPerFrame: s.secondsPerFrame, runtimeSpread: s.runtimeSpread, requirements: s.requirements,
      failedAttempts: Object.fromEntries(Object.entries(s.failedAttempts).map(([k, v]) => [Number(k), v])),
      checkpointable: s.checkpointable,
      ...(s.measured ? { measured: s.measured } : {}),
    })),
    // Done prerequisites are satisfied; canceled or failed ones never will be: the dependent is blocked.
    dependsOn: j.dependsOn.filter((d) => !finished.has(d)),
    ...blockedBy(j, finished),
    energyIntensive: j.energyIntensive,
    preview: { previewFirst: j.preview.previewFirst, approval: j.preview.approval },
    errorCount: j.errorCount, cloudAllowed: j.cloudAllowed, suspended: j.suspended,
  };
}

function blockedBy(j: JobRecord, finished: Map<string, JobRecord>): Pick<Job, "blockedBy"> {
  const ended = j.dependsOn.flatMap((d) => {
    const status = finished.get(d)?.status;
    return status === "canceled" || status === "failed" ? [{ jobId: d, status }] : [];
  });
  return ended.length > 0 ? { blockedBy: ended } : {};
}

function toNode(n: NodeRecord, leases: Lease[], now: number, leaseSec: number, riskyTaskSec: number): FarmNode {
  // Silent for a whole lease period: offline, whatever it last said.
  // A booting cloud node has not polled yet: it is silent only once its expected ready time has passed.
  const silent = now - Math.max(n.lastSeenAt, n.status === "booting" ? n.readyAt ?? 0 : 0) > leaseSec * 1000;
  const status = silent && (n.status === "ready" || n.status === "draining" || n.status === "booting") ? "offline" : n.status;
  return {
    id: n.id, pool: n.pool, status, capabilities: n.capabilities, tags: n.tags, speed: n.speed, slots: n.slots,
    powerIdleW: n.powerIdleW, powerBusyW: n.powerBusyW, leases, blocklist: n.blocklist,
    ...(n.failuresByJob ? { failuresByJob: n.failuresByJob } : {}),
    ...(leases.length === 0 ? { idleSince: n.idleSince ?? n.lastSeenAt } : {}),
    ...(n.instanceType ? { instanceType: n.instanceType } : {}), ...(n.market ? { market: n.market } : {}),
    ...(n.pricePerHour !== undefined ? { pricePerHour: n.pricePerHour } : {}), ...(n.clientId ? { clientId: n.clientId } : {}),
    ...(n.status === "booting" && n.readyAt !== undefined ? { readyAt: n.readyAt } : {}),
    ...(n.awaitingFirstTask ? { awaitingFirstTask: true } : {}),
    // A rebalance recommendation: only tasks that would lose at most one checkpoint interval.
    ...(n.cloud?.rebalanceAt !== undefined ? { maxTaskSec: riskyTaskSec } : {}),
  };
}

function toClient(c: ClientRecord): Client {
  return {
    id: c.id, name: c.name, guaranteedShare: c.guaranteedShare, maxShare: c.maxShare,
    cloudAllowed: c.cloudAllowed, cloudBudgetLeft: c.cloudBudgetLeft,
  };
}
