/**
 * A job header + its stored shards → the steps' ranges and leases (the view the planner
 * snapshot, the job view and the farm summary read). Shards that were never written are all
 * pending — unless the job is closed: a canceled job's unstarted tasks will never run, a failed
 * job's are exhausted. Linear in the shards present, so a 10M-task job with nothing started is
 * one range.
 */
import type { IndexRange } from "../../planner/index.ts";
import type { JobRecord, LeaseRecord, ShardRecord, StepRecord } from "../model.ts";
import { leaseRecordOf, shardSize } from "./shard-book.ts";

type Bucket = "pending" | "done" | "exhausted" | null;

export function assembleJob(job: JobRecord, shards: readonly ShardRecord[]): JobRecord {
  const byStep = new Map<string, ShardRecord[]>();
  for (const s of shards) byStep.set(s.stepName, [...(byStep.get(s.stepName) ?? []), s]);
  const gap: Bucket = job.status === "canceled" ? null : job.status === "failed" ? "exhausted" : "pending";
  return { ...job, shards: [...shards], steps: job.steps.map((st) => assembleStep(st, byStep.get(st.name) ?? [], gap)) };
}

function assembleStep(step: StepRecord, shards: ShardRecord[], gap: Bucket): StepRecord {
  const out = { pending: [] as IndexRange[], done: [] as IndexRange[], exhausted: [] as IndexRange[] };
  const leases: LeaseRecord[] = [];
  const failedAttempts: Record<string, number> = {};
  const add = (b: Bucket, from: number, to: number) => { if (b && to >= from) push(out[b], from, to); };
  let next = 0;
  for (const s of [...shards].sort((a, b) => a.no - b.no)) {
    add(gap, next, s.from - 1);
    let runStart = 0;
    for (let k = 1; k <= s.count; k++) {
      if (k < s.count && s.state[k] === s.state[runStart]) continue;
      add(bucketOf(s.state[runStart]!), s.from + runStart, s.from + k - 1);
      runStart = k;
    }
    for (const [token, l] of Object.entries(s.leases)) leases.push(leaseRecordOf(token, l));
    Object.assign(failedAttempts, s.failed);
    next = s.from + s.count;
  }
  add(gap, next, step.taskCount - 1);
  leases.sort((a, b) => a.taskIndex - b.taskIndex);
  return { ...step, ...out, leases, failedAttempts };
}

function bucketOf(c: string): Bucket {
  return c === "p" ? "pending" : c === "d" ? "done" : c === "x" ? "exhausted" : null; // l: a lease; c: canceled
}

function push(list: IndexRange[], from: number, to: number): void {
  const last = list[list.length - 1];
  if (last && last.to + 1 >= from) last.to = Math.max(last.to, to);
  else list.push({ from, to });
}

/** How many shards a step has (the last may be short). */
export const shardCount = (taskCount: number): number => Math.ceil(taskCount / shardSize);
