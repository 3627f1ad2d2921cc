/**
 * Which work could run right now, for the work-conservation, guarantee and idle-gap
 * accounting: active, dependencies met, pending tasks, not deferred or held back on purpose
 * by the latest plan (tariff deferral, waiting, suspended), and eligible for a given node.
 */
import { meets } from "./eligibility.ts";
import { activeJobs, jobDepsMet, stepDepsMet, type JobState, type NodeState, type StepState } from "./state.ts";
import type { Ctx } from "./context.ts";

export interface RunnableStep {
  job: JobState;
  step: StepState;
  pending: number;
}

const NOT_RUNNABLE = new Set(["deferred", "waiting", "blocked", "suspended", "failed", "done"]);

export function runnableSteps(ctx: Ctx): RunnableStep[] {
  const out: RunnableStep[] = [];
  for (const j of activeJobs(ctx.st)) {
    if (j.job.suspended || !jobDepsMet(ctx.st, j)) continue;
    const o = ctx.outcomes.get(j.job.id);
    if (o !== undefined && NOT_RUNNABLE.has(o)) continue;
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
