import type { Job } from "../types.ts";
import type { JobState } from "../work/job-state.ts";
import { describeCycle, findCycle, topologicalOrder } from "./graph.ts";

const hasStepDeps = (s: Job["steps"][number]) => s.dependsOn.length > 0;

/** Jobs on a job→job or step→step cycle, with the cycle named. */
export function cyclicJobs(jobs: readonly Job[]): Map<string, string> {
  const out = new Map<string, string>();
  const byId = new Map(jobs.map((j) => [j.id, j]));
  const ids = jobs.map((j) => j.id);
  const edges = (id: string) => byId.get(id)?.dependsOn ?? [];
  // Remove each found cycle's members and search again, so every cycle is named.
  let remaining = ids;
  for (;;) {
    const cycle = findCycle(remaining, edges);
    if (!cycle) break;
    const text = `jobs ${describeCycle(cycle)}`;
    for (const id of cycle) out.set(id, text);
    remaining = remaining.filter((id) => !out.has(id));
  }
  for (const j of jobs) {
    // No step depends on another (most jobs): no step cycle, and no map or search to build.
    if (out.has(j.id) || !j.steps.some(hasStepDeps)) continue;
    const steps = new Map(j.steps.map((s) => [s.name, s.dependsOn]));
    const cycle = findCycle(j.steps.map((s) => s.name), (n) => steps.get(n) ?? []);
    if (cycle) out.set(j.id, `steps ${describeCycle(cycle)} in job ${j.id}`);
  }
  return out;
}

/**
 * Active jobs whose prerequisites are not done wait, with the first blocker named. A canceled or
 * failed prerequisite never becomes done, so its dependents are `blocked` (policy: they do not
 * start and are not failed for it; the client cancels them or resubmits without that dependency).
 */
export function markWaiting(states: Map<string, JobState>): void {
  for (const s of states.values()) {
    if (s.status !== "active") continue;
    const ended = s.job.blockedBy?.[0];
    if (ended) {
      s.status = "blocked";
      s.statusReason = `blocked: prerequisite job ${ended.jobId} was ${ended.status} and will not finish; `
        + "this job will not start (cancel it, or resubmit it without that dependency)";
      continue;
    }
    for (const dep of s.job.dependsOn) {
      const d = states.get(dep);
      if (!d) {
        s.status = "waiting";
        s.statusReason = `waiting for job ${dep}, which is not among the open jobs the planner sees`;
        break;
      }
      if (d.status !== "done") {
        s.status = "waiting";
        s.statusReason = `waiting for job ${dep} (${d.status === "active" ? `${d.liveTasks + d.runningTasks} tasks left` : d.status})`;
        break;
      }
    }
  }
}

export interface Urgency {
  deadlineAt: number | null;
  priority: number;
  /** The dependent whose urgency was inherited, if any. */
  from: string | null;
}

/**
 * No priority inversion: a prerequisite inherits each dependent's deadline, moved earlier by the
 * time the dependent itself needs, and its priority if higher. Dependents are visited before
 * their prerequisites (reverse topological order), so urgency flows down whole chains.
 */
export function inheritUrgency(states: Map<string, JobState>, neededSec: (s: JobState) => number): Map<string, Urgency> {
  const ids = [...states.keys()];
  const edges = (id: string) => states.get(id)?.job.dependsOn ?? [];
  const order = topologicalOrder(ids, edges).reverse();
  const out = new Map<string, Urgency>();
  for (const s of states.values()) out.set(s.job.id, { deadlineAt: s.job.deadlineAt, priority: s.job.priority, from: null });
  for (const id of order) {
    const s = states.get(id)!;
    const u = out.get(id)!;
    if (s.job.dependsOn.length === 0) continue;
    for (const dep of s.job.dependsOn) {
      const du = out.get(dep);
      if (!du) continue;
      const latestStart = u.deadlineAt === null ? null : u.deadlineAt - Math.ceil(neededSec(s) * 1000);
      if (latestStart !== null && (du.deadlineAt === null || latestStart < du.deadlineAt)) {
        du.deadlineAt = latestStart;
        du.from = id;
      }
      if (u.priority > du.priority) {
        du.priority = u.priority;
        du.from ??= id;
      }
    }
  }
  return out;
}
