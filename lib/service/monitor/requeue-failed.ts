/**
 * Requeue a job's failed tasks (out of retries): they return to pending with fresh retry
 * counts, and the job's error count restarts, so a wrangler who fixed the cause (a bad node, a
 * missing asset) can run them again without resubmitting. A canceled job stays canceled.
 */
import type { Actor } from "../actor.ts";
import { audit, jobAuditFields } from "../audit.ts";
import { ConflictError } from "../errors.ts";
import { statusOf } from "../lease-book.ts";
import { loadJobFor, viewWithPlan } from "../load-job.ts";
import type { JobRecord } from "../model.ts";
import type { ServiceDeps } from "../ports.ts";
import { countRanges, mergeRanges } from "../ranges.ts";
import type { JobView } from "../views.ts";

export async function requeueFailed(deps: ServiceDeps, input: { jobId: string }, actor: Actor): Promise<JobView> {
  await loadJobFor(deps, input.jobId, actor);
  const { job, result } = await deps.jobs.update(input.jobId, (j) => {
    if (j.status === "canceled") throw new ConflictError(`job ${j.id} is canceled`);
    const failed = j.steps.reduce((n, s) => n + countRanges(s.exhausted), 0);
    if (failed === 0) return { next: null, result: null };
    const next: JobRecord = structuredClone(j);
    for (const s of next.steps) {
      for (const r of s.exhausted) for (let i = r.from; i <= r.to; i++) delete s.failedAttempts[String(i)];
      s.pending = mergeRanges([...s.pending, ...s.exhausted].sort((a, b) => a.from - b.from));
      s.exhausted = [];
    }
    next.errorCount = 0;
    next.status = statusOf(next);
    next.finishedAt = null;
    return { next, result: { before: jobAuditFields(j), failed } };
  });
  if (result) {
    await audit(deps, actor, {
      clientId: job.clientId, action: "job.requeue-failed", target: { type: "job", id: job.id },
      before: result.before, after: { ...jobAuditFields(job), requeued: result.failed },
    });
    await deps.trigger.requestPlan(`job ${job.id} failed tasks requeued`, deps.clock.now());
  }
  return viewWithPlan(deps, job);
}
