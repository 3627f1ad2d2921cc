/**
 * A job's status from its assembled task state (tasks/assemble.ts). The task transitions
 * themselves live per shard in tasks/shard-book.ts.
 *
 * Lease length: `policy.leaseSec` (120 s by default). The agent polls every ~15 s and its poll
 * renews every lease it reports holding (recorded on the node, not the shard, so polls never
 * write task state). A lease neither picked up nor renewed for 120 s — about eight missed
 * polls — returns its task to pending (Flamenco requeues after 1 min silent; OpenCue declares a
 * host down after 300 s; ours sits between).
 */
import type { JobRecord, JobStatus } from "./model.ts";
import { countRanges } from "./ranges.ts";

export type { SettleResult, TaskOutcome } from "./tasks/shard-book.ts";

/** Status follows from the aggregates (canceled and failed are sticky). */
export function statusOf(job: JobRecord): JobStatus {
  if (job.status === "canceled" || job.status === "failed" || job.status === "done") return job.status;
  const leased = job.steps.reduce((n, s) => n + s.leases.length, 0);
  const open = job.steps.reduce((n, s) => n + countRanges(s.pending), 0) + leased;
  if (open === 0) return job.steps.some((s) => s.exhausted.length > 0) ? "failed" : "done";
  if (job.suspended && leased === 0) return "suspended";
  return leased > 0 ? "running" : job.suspended ? "suspended" : "queued";
}
