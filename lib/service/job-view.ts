/** JobRecord + the last plan's decision → JobView (progress, outlook, why). */
import type { JobDecision } from "../planner/index.ts";
import type { JobRecord, StepRecord } from "./model.ts";
import { countRanges } from "./ranges.ts";
import type { JobProgress, JobView } from "./views.ts";

/** An instant as ISO 8601; null when there is none or it is beyond what a date can hold (a "never" projection). */
const iso = (t: number | null | undefined): string | null => {
  if (t === null || t === undefined || !Number.isFinite(t) || Math.abs(t) > 8.64e15) return null;
  return new Date(t).toISOString();
};

function stepProgress(steps: readonly StepRecord[]): JobProgress {
  let tasks = 0, done = 0, running = 0, pending = 0, failed = 0;
  for (const s of steps) {
    tasks += s.taskCount;
    done += countRanges(s.done);
    running += s.leases.length;
    pending += countRanges(s.pending);
    failed += countRanges(s.exhausted);
  }
  return { tasks, done, running, pending, failed, fraction: tasks === 0 ? 1 : done / tasks };
}

export function jobView(job: JobRecord, decision?: JobDecision, planAt?: number): JobView {
  const finished = job.status === "done" || job.status === "failed" || job.status === "canceled";
  let meetsDeadline: boolean | null = null;
  if (job.deadlineAt !== null) {
    if (finished) meetsDeadline = job.status === "done" && (job.finishedAt ?? Infinity) <= job.deadlineAt;
    else if (decision?.projectedFinishAt != null) meetsDeadline = decision.projectedFinishAt <= job.deadlineAt && !decision.atRisk;
    else if (decision) meetsDeadline = !decision.atRisk ? null : false;
  }
  return {
    id: job.id, clientId: job.clientId, name: job.name, status: job.status, priority: job.priority,
    submittedAt: iso(job.submittedAt)!, deadline: iso(job.deadlineAt), finishedAt: iso(job.finishedAt),
    suspended: job.suspended, cloudAllowed: job.cloudAllowed, energyIntensive: job.energyIntensive,
    dependsOn: job.dependsOn,
    preview: { previewFirst: job.preview.previewFirst, approval: job.preview.approval, lowQualityPass: job.preview.lowQualityPass },
    progress: stepProgress(job.steps),
    steps: job.steps.map((s) => ({ name: s.name, kind: s.kind, role: s.role, dependsOn: s.dependsOn, progress: stepProgress([s]) })),
    outlook: {
      meetsDeadline,
      projectedFinish: finished ? iso(job.finishedAt) : iso(decision?.projectedFinishAt ?? null),
      slackSec: finished ? null : safeSlack(decision?.slackSec),
      atRisk: !finished && (decision?.atRisk ?? false),
    },
    why: finished
      ? { outcome: job.status === "done" ? "done" : job.status === "failed" ? "failed" : "canceled", reason: `job is ${job.status}`, rank: -1, planAt: iso(job.finishedAt ?? job.submittedAt)! }
      : decision ? { outcome: decision.outcome, reason: withCapacityNote(decision.reason, job, planAt), rank: decision.rank, planAt: iso(planAt ?? 0)! } : null,
    version: job.version,
  };
}

function safeSlack(s: number | null | undefined): number | null {
  return s === null || s === undefined || !Number.isFinite(s) ? null : s;
}

/** What the capacity use case did about the plan's cloud request (refused by a guard, partial, launched). */
function withCapacityNote(reason: string, job: JobRecord, planAt: number | undefined): string {
  const note = job.capacityNote;
  // Only a note about this plan's request or a later one; an older note is history.
  return note && note.at >= (planAt ?? 0) - 60_000 ? `${reason} — ${note.reason}` : reason;
}
