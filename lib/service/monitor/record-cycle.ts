/**
 * After a planning cycle commits, what the monitor keeps of it: a farm sample, and a "why"
 * entry in the job's audit trail whenever its outcome changed (queued → placed → running,
 * → burst, deferred …), so the Job view can show how the sentence evolved. Best effort: a
 * lost sample is a gap in a chart and must never fail a cycle that already granted leases.
 * Costs one write for the sample and one per job whose outcome changed; the previous outcomes
 * are remembered per process (a warm planner), so the previous plan is read only on a cold start.
 */
import type { JobOutcome, Plan } from "../../planner/index.ts";
import type { Actor } from "../actor.ts";
import { audit } from "../audit.ts";
import type { FarmSettings, JobRecord, NodeRecord } from "../model.ts";
import { mapLimit } from "../map-limit.ts";
import type { ServiceDeps } from "../ports.ts";
import { farmSample } from "./farm-history.ts";

/** Concurrent audit writes after a cycle (the first plan after many submissions changes every job). */
const writeConcurrency = 16;

/** A running job is "placed" in cycles that give it more frames: one state for its history. */
const historyState = (o: JobOutcome | undefined) => (o === "placed" ? "running" : o);

export interface CycleForMonitor {
  now: number;
  nodes: NodeRecord[];
  jobs: JobRecord[];
  plan: Pick<Plan, "jobs" | "shares" | "assignments">;
  settings: FarmSettings;
}

/** The last cycle's outcomes per farm (its ServiceDeps), while this process stays warm. */
const lastOutcomes = new WeakMap<ServiceDeps, Map<string, string | undefined>>();

/** Call before the new plan is saved (on a cold start the saved plan is what outcomes are compared with). */
export async function recordCycleForMonitor(deps: ServiceDeps, x: CycleForMonitor, actor: Actor): Promise<void> {
  if (!deps.monitor) return;
  try {
    const sample = deps.monitor.recordSample(farmSample({ ...x, shares: x.plan.shares, assigned: x.plan.assignments }));
    const before = lastOutcomes.get(deps)
      ?? new Map(((await deps.plans.latest())?.decisions ?? []).map((d) => [d.jobId, historyState(d.outcome)]));
    lastOutcomes.set(deps, new Map(x.plan.jobs.map((d) => [d.jobId, historyState(d.outcome)])));
    const clientOf = new Map(x.jobs.map((j) => [j.id, j.clientId]));
    const changed = x.plan.jobs.filter((d) => clientOf.has(d.jobId) && before.get(d.jobId) !== historyState(d.outcome));
    await Promise.all([sample, mapLimit(changed, writeConcurrency, (d) => audit(deps, actor, {
      clientId: clientOf.get(d.jobId)!, action: "job.why", target: { type: "job", id: d.jobId }, after: { outcome: d.outcome, reason: d.reason },
    }))]);
  } catch {
    // Best effort (see above); the next cycle records again.
  }
}
