/**
 * A job header + its stored shards → the steps' ranges and leases (the view the planner
 * snapshot, the job view and the farm summary read). Shards that were never written are all
 * pending — unless the job is closed: a canceled job's unstarted tasks will never run, a failed
 * job's are exhausted. Linear in the shards present, so a 10M-task job with nothing started is
 * one range.
 *
 * Reports agents made since the last fold already count: a succeeded task reads as done, an
 * interrupted or failed one as pending (whether a failure exhausts it is the fold's decision),
 * and the lease is no longer listed — so views are current at once and the planner sees the
 * node's slot as free. The shard itself still says `l` until the fold, so nothing is granted twice.
 */
import type { IndexRange } from "../../planner/index.ts";
import type { JobRecord, LeaseRecord, ShardRecord, StepRecord } from "../model.ts";
import { leaseRecordOf, shardSize } from "./shard-book.ts";
import { measuredOver } from "./attempt-runtime.ts";

type Bucket = "pending" | "done" | "exhausted" | null;

export function assembleJob(job: JobRecord, shards: readonly ShardRecord[]): JobRecord {
  const byStep = new Map<string, ShardRecord[]>();
  for (const s of shards) { const list = byStep.get(s.stepName); if (list) list.push(s); else byStep.set(s.stepName, [s]); }
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
    const state = projected(s);
    let runStart = 0;
    for (let k = 1; k <= s.count; k++) {
      if (k < s.count && state[k] === state[runStart]) continue;
      add(bucketOf(state[runStart]!), s.from + runStart, s.from + k - 1);
      runStart = k;
    }
    for (const [token, l] of Object.entries(s.leases)) if (!s.settled[token]) leases.push(leaseRecordOf(token, l));
    Object.assign(failedAttempts, s.failed);
    next = s.from + s.count;
  }
  add(gap, next, step.taskCount - 1);
  leases.sort((a, b) => a.taskIndex - b.taskIndex);
  const measured = measuredOver(shards);
  return { ...step, ...out, leases, failedAttempts, ...(measured ? { measured } : {}) };
}

function projected(s: ShardRecord): string {
  const reports = Object.entries(s.settled);
  if (reports.length === 0) return s.state;
  const state = s.state.split("");
  for (const [token, r] of reports) {
    const l = s.leases[token];
    if (l) state[l.i - s.from] = r.outcome === "succeeded" ? "d" : "p";
  }
  return state.join("");
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
