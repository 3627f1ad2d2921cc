/**
 * One planning cycle, as a numbered pipeline:
 *   1. lock     a planner lease (PlanStore.tryLock) so cycles rarely overlap — an optimisation:
 *               correctness rests on step 5's conditional writes, not on the lock;
 *   2. reclaim  lapsed leases back to pending;
 *   3. snapshot active jobs (aggregates), nodes, clients, settings, pending burst;
 *   4. plan     the pure `plan(snapshot, policy, now)`;
 *   5. commit   per job ONE conditional write granting its assignments that are still pending
 *               (a task taken meanwhile is skipped, never assigned twice), then each node's
 *               inbox; then preemptions, burst requests, node actions and the plan record.
 */
import { performance } from "node:perf_hooks";
import { plan as realPlan, type Assignment as PlanAssignment, type Plan, type Policy, type Snapshot } from "../planner/index.ts";
import type { Actor } from "./actor.ts";
import { audit } from "./audit.ts";
import { grantLease } from "./lease-book.ts";
import type { InboxEntry, JobRecord } from "./model.ts";
import type { ServiceDeps } from "./ports.ts";
import { reclaimExpiredLeases } from "./reclaim-expired-leases.ts";
import { buildSnapshot } from "./snapshot.ts";
import { applyNodeActions } from "./apply-node-actions.ts";
import { mapLimit } from "./map-limit.ts";
import { applyPreemptions } from "./apply-preemptions.ts";
import { recordCycleForMonitor } from "./monitor/record-cycle.ts";

export type PlanFn = (snapshot: Snapshot, policy: Policy, now: number) => Plan;

export interface PlanningCycleResult {
  at: number;
  /** False when another planner held the lock (the trigger should be retried later). */
  ran: boolean;
  assignmentsWritten: number;
  /** Assignments another writer got to first (task no longer pending). */
  assignmentsSkipped: number;
  leasesExpired: number;
  burstRequests: number;
  planMs: number;
  /** Jobs the plan says cannot meet their deadline (for the deadline-at-risk alarm). */
  jobsAtRisk?: number;
}

const lockMs = 60_000;
/** Concurrent single-item writes when committing a plan. */
const writeConcurrency = 16;
const burstPendingMs = 15 * 60_000;

export async function runPlanningCycle(
  deps: ServiceDeps, input: { owner?: string; plan?: PlanFn }, actor: Actor,
): Promise<PlanningCycleResult> {
  const now = deps.clock.now();
  const owner = input.owner ?? deps.ids.id("planner");
  const idle = { at: now, ran: false, assignmentsWritten: 0, assignmentsSkipped: 0, leasesExpired: 0, burstRequests: 0, planMs: 0 };
  if (!(await deps.plans.tryLock(owner, now, lockMs))) return idle;
  try {
    const [settings, nodes, active, clients, burst] = await Promise.all([
      deps.plans.settings(), deps.nodes.list(), deps.jobs.listActive(), deps.clients.list(), deps.plans.pendingBurst(),
    ]);
    const { reclaimed, jobs } = await reclaimExpiredLeases(deps, { jobs: active, nodes }, actor);
    const snapshot = buildSnapshot({
      jobs, nodes, finishedDeps: await finishedDependencies(deps, jobs), clients, settings,
      // A request older than this has booted (its nodes are in the snapshot) or failed: stop counting it.
      pendingBurst: groupBurst(burst.filter((b) => now - b.requestedAt < burstPendingMs)), now,
    });
    const t0 = performance.now();
    const result = (input.plan ?? realPlan)(snapshot, settings.policy, now);
    const planMs = performance.now() - t0;
    const { written, skipped } = await commitAssignments(deps, result.assignments, settings.policy, now);
    const preempted = await applyPreemptions(deps, result.preemptions, settings.policy, actor);
    if (result.burst.length > 0) await deps.plans.recordBurst(now, result.burst);
    await applyNodeActions(deps, result.nodeActions, actor);
    await recordCycleForMonitor(deps, { now, nodes, jobs, plan: result, settings }, actor);
    await deps.plans.saveLatest({
      at: now, decisions: result.jobs, burst: result.burst, nodeActions: result.nodeActions,
      warnings: result.warnings, assignmentsWritten: written, assignmentsSkipped: skipped,
    });
    await audit(deps, actor, {
      clientId: null, action: "plan.cycle", target: { type: "plan", id: String(now) },
      after: { jobs: result.jobs.length, assigned: written, skipped, reclaimed, preempted, burst: result.burst.length, planMs: Math.round(planMs) },
    });
    return { at: now, ran: true, assignmentsWritten: written, assignmentsSkipped: skipped, leasesExpired: reclaimed, burstRequests: result.burst.length, planMs, jobsAtRisk: result.jobs.filter((j) => j.atRisk).length };
  } finally {
    await deps.plans.unlock(owner).catch(() => undefined);
  }
}

async function commitAssignments(deps: ServiceDeps, assignments: PlanAssignment[], policy: Policy, now: number): Promise<{ written: number; skipped: number }> {
  const byJob = new Map<string, PlanAssignment[]>();
  for (const a of assignments) byJob.set(a.jobId, [...(byJob.get(a.jobId) ?? []), a]);
  const inboxes = new Map<string, InboxEntry[]>();
  // Jobs are independent items: write them concurrently (each write is still conditional).
  const grantedByJob = await mapLimit([...byJob], writeConcurrency, async ([jobId, list]) => {
    // Tokens are drawn once, outside the retry loop, so a retried write grants the same leases.
    const tokens = list.map(() => deps.ids.token());
    const { result } = await deps.jobs.update(jobId, (job) => {
      let next: JobRecord = job;
      const ok: (InboxEntry & { nodeId: string })[] = [];
      list.forEach((a, i) => {
        const g = grantLease(next, { stepName: a.stepName, taskIndex: a.taskIndex, nodeId: a.nodeId, token: tokens[i]!, now, leaseSec: policy.leaseSec, expectedSec: a.estimatedSec, queued: a.queued });
        if (g.next && g.granted) {
          next = g.next;
          ok.push({ nodeId: a.nodeId, jobId, stepName: a.stepName, taskIndex: a.taskIndex, token: g.granted.token, queued: a.queued, estimatedSec: a.estimatedSec });
        }
      });
      return ok.length > 0 ? { next, result: ok } : { next: null, result: ok };
    }).catch((err: unknown) => {
      if ((err as Error).name === "NotFoundError") return { result: [] as (InboxEntry & { nodeId: string })[] };
      throw err;
    });
    return result;
  });
  let written = 0;
  for (const { nodeId, ...e } of grantedByJob.flat()) {
    written++;
    inboxes.set(nodeId, [...(inboxes.get(nodeId) ?? []), e]);
  }
  // A crash between the job write and this one only delays delivery: the lease lapses unclaimed.
  await mapLimit([...inboxes], writeConcurrency, ([nodeId, entries]) =>
    deps.nodes.update(nodeId, (n) => ({ next: { ...n, inbox: [...n.inbox, ...entries] }, result: null })));
  return { written, skipped: assignments.length - written };
}

async function finishedDependencies(deps: ServiceDeps, jobs: JobRecord[]): Promise<Map<string, JobRecord>> {
  const active = new Set(jobs.map((j) => j.id));
  const out = new Map<string, JobRecord>();
  for (const id of new Set(jobs.flatMap((j) => j.dependsOn))) {
    if (active.has(id)) continue;
    const j = await deps.jobs.get(id);
    if (j) out.set(id, j);
  }
  return out;
}

function groupBurst(pending: { instanceType: string; market: "spot" | "on-demand"; count: number; clientId: string }[]): Snapshot["pendingBurst"] {
  const m = new Map<string, { instanceType: string; market: "spot" | "on-demand"; count: number; clientId: string }>();
  for (const p of pending) {
    const k = `${p.clientId}|${p.instanceType}|${p.market}`;
    const cur = m.get(k);
    if (cur) cur.count += p.count; else m.set(k, { instanceType: p.instanceType, market: p.market, count: p.count, clientId: p.clientId });
  }
  return [...m.values()];
}
