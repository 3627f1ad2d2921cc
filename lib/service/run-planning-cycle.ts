/**
 * One planning cycle, as a numbered pipeline:
 *   1. lock     a planner lease (PlanStore.tryLock) so cycles rarely overlap — an optimisation:
 *               correctness rests on the shards' conditional writes, not on the lock;
 *   2. read     active jobs with their task shards (one paged Query), nodes, clients, settings,
 *               pending burst;
 *   3. fold     agents' settle reports and lapsed leases into the shards (tasks/fold-task-reports.ts);
 *   4. plan     the pure `plan(snapshot, policy, now)`, and save its decisions AT ONCE, so "why"
 *               and the order are current before any lease is written;
 *   5. commit   per shard ONE conditional write granting its assignments still pending, then the
 *               nodes' inbox entries in batches (tasks/commit-grants.ts); preemptions, burst
 *               requests and node actions in parallel.
 * A failure on one job (fold or grant) is a warning in the plan; every other job goes on.
 */
import { performance } from "node:perf_hooks";
import { plan as realPlan, type Plan, type Policy, type Snapshot } from "../planner/index.ts";
import type { Actor } from "./actor.ts";
import { audit } from "./audit.ts";
import type { JobRecord, PlanRecord } from "./model.ts";
import type { ServiceDeps } from "./ports.ts";
import { buildSnapshot } from "./snapshot.ts";
import { applyNodeActions } from "./apply-node-actions.ts";
import { applyPreemptions } from "./apply-preemptions.ts";
import { commitGrants } from "./tasks/commit-grants.ts";
import { foldTaskReports } from "./tasks/fold-task-reports.ts";
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
  warnings: string[];
  /** Jobs the plan says cannot meet their deadline (for the deadline-at-risk alarm). */
  jobsAtRisk?: number;
}

const lockMs = 60_000;
const burstPendingMs = 15 * 60_000;

export async function runPlanningCycle(
  deps: ServiceDeps, input: { owner?: string; plan?: PlanFn }, actor: Actor,
): Promise<PlanningCycleResult> {
  const now = deps.clock.now();
  const owner = input.owner ?? deps.ids.id("planner");
  const idle = { at: now, ran: false, assignmentsWritten: 0, assignmentsSkipped: 0, leasesExpired: 0, burstRequests: 0, planMs: 0, warnings: [] };
  if (!(await deps.plans.tryLock(owner, now, lockMs))) return idle;
  try {
    const [settings, nodes, active, clients, burst] = await Promise.all([
      deps.plans.settings(), deps.nodes.list(), deps.jobs.listActiveWithOrphans(), deps.clients.list(), deps.plans.pendingBurst(),
    ]);
    const folded = await foldTaskReports(deps, { ...active, nodes, settings, now });
    const jobs = folded.jobs;
    const snapshot = buildSnapshot({
      jobs, nodes, finishedDeps: await finishedDependencies(deps, jobs), clients, settings,
      // A request older than this has booted (its nodes are in the snapshot) or failed: stop counting it.
      pendingBurst: groupBurst(burst.filter((b) => now - b.requestedAt < burstPendingMs)), now,
      ...(deps.cloudLimits ? { cloudLimits: deps.cloudLimits } : {}),
    });
    const t0 = performance.now();
    const result = (input.plan ?? realPlan)(snapshot, settings.policy, now);
    const planMs = performance.now() - t0;
    const record: PlanRecord = {
      at: now, decisions: result.jobs, burst: result.burst, nodeActions: result.nodeActions,
      warnings: [...result.warnings, ...folded.warnings], assignmentsWritten: 0, assignmentsSkipped: 0,
    };
    // Before the new plan is saved: on a cold start the monitor compares with the saved one.
    await recordCycleForMonitor(deps, { now, nodes, jobs, plan: result, settings }, actor);
    await deps.plans.saveLatest(record);

    const [commit, preempted] = await Promise.all([
      commitGrants(deps, new Map(jobs.map((j) => [j.id, j])), result.assignments, nodes, settings.policy, now),
      applyPreemptions(deps, result.preemptions, settings.policy, actor, jobs),
      result.burst.length > 0 ? deps.plans.recordBurst(now, result.burst) : undefined,
      applyNodeActions(deps, result.nodeActions, actor),
    ]);
    const warnings = [...record.warnings, ...commit.warnings];
    // The record again only when the commit has something to add to "why" (a job it could not write).
    if (commit.warnings.length > 0) await deps.plans.saveLatest({ ...record, warnings, assignmentsWritten: commit.written, assignmentsSkipped: commit.skipped });
    await audit(deps, actor, {
      clientId: null, action: "plan.cycle", target: { type: "plan", id: String(now) },
      after: { jobs: result.jobs.length, assigned: commit.written, skipped: commit.skipped, reports: folded.reports, reclaimed: folded.expired, preempted, burst: result.burst.length, planMs: Math.round(planMs), warnings: warnings.length },
    });
    return { at: now, ran: true, assignmentsWritten: commit.written, assignmentsSkipped: commit.skipped, leasesExpired: folded.expired, burstRequests: result.burst.length, planMs, warnings, jobsAtRisk: result.jobs.filter((j) => j.atRisk).length };
  } finally {
    await deps.plans.unlock(owner).catch(() => undefined);
  }
}

async function finishedDependencies(deps: ServiceDeps, jobs: JobRecord[]): Promise<Map<string, JobRecord>> {
  const active = new Set(jobs.map((j) => j.id));
  const out = new Map<string, JobRecord>();
  const wanted = [...new Set(jobs.flatMap((j) => j.dependsOn))].filter((id) => !active.has(id));
  await Promise.all(wanted.map(async (id) => {
    const j = await deps.jobs.get(id);
    if (j) out.set(id, j);
  }));
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
