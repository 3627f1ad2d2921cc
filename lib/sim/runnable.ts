/**
 * Which work could run right now, for the work-conservation, guarantee and idle-gap
 * accounting: active, not suspended, dependencies met, pending tasks, eligible for a given
 * node. Work-conservation also leaves out what the latest plan held back on purpose (tariff
 * deferral, waiting); guarantee accounting does not (`includeHeld`): a client whose work a
 * policy defers is still owed its share.
 */
import { meets } from "./eligibility.ts";
import { activeJobs, jobDepsMet, stepDepsMet, type JobState, type NodeState, type StepState } from "./state.ts";
import type { FarmView } from "./farm-view.ts";

export interface RunnableStep {
  job: JobState;
  step: StepState;
  pending: number;
}

const NOT_RUNNABLE = new Set(["deferred", "waiting", "blocked", "suspended", "failed", "done"]);

export function runnableSteps(view: FarmView, opts: { includeHeld?: boolean } = {}): RunnableStep[] {
  const out: RunnableStep[] = [];
  for (const j of activeJobs(view.st)) {
    if (j.job.suspended || !jobDepsMet(view.st, j)) continue;
    const o = view.outcomes.get(j.job.id);
    if (!opts.includeHeld && o !== undefined && NOT_RUNNABLE.has(o)) continue;
    j.steps.forEach((s, k) => {
      const pending = s.status.length - s.done - s.running - s.exhausted;
      if (pending > 0 && stepDepsMet(j, k)) out.push({ job: j, step: s, pending });
    });
  }
  return out;
}

export function eligibleFor(node: NodeState, r: RunnableStep): boolean {
  if (node.blocklist.includes(r.job.job.id)) return false;
  if (node.pool === "cloud" && !r.job.job.cloudAllowed) return false;
  return meets(node.capabilities, r.step.spec.requirements);
}

export function hasWorkFor(node: NodeState, rs: RunnableStep[]): boolean {
  return rs.some((r) => eligibleFor(node, r));
}
