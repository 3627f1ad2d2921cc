/**
 * Planning-cycle stage 5: the plan's assignments become leases. Per shard ONE conditional write
 * granting every assignment in it that is still pending — with the version the snapshot read,
 * so normally no read at all; a task taken meanwhile (another planner, a fold) is skipped, never
 * assigned twice. Then every node's inbox entries, in batched puts (25 per request). A failure
 * on one job is a warning; the other jobs' leases are still delivered.
 */
import { speedOf, type Assignment as PlanAssignment, type Policy } from "../../planner/index.ts";
import { taskAt } from "../../openjd/index.ts";
import { framesAt } from "../frames.ts";
import type { InboxEntry, JobRecord, NodeRecord, ShardRecord } from "../model.ts";
import type { ServiceDeps } from "../ports.ts";
import { mapLimit } from "../map-limit.ts";
import { emptyShard, grantInShard, shardNoOf, type ShardGrant } from "./shard-book.ts";

const maxShardAttempts = 8;
/** Concurrent shard writes. */
const writeConcurrency = 16;

export interface CommitOutcome {
  written: number;
  skipped: number;
  warnings: string[];
}

/** `nodes`: the cycle's node records — each lease keeps its node's speed for the kind (the speed it was planned at, ShardLease.speed). */
export async function commitGrants(
  deps: ServiceDeps, jobs: Map<string, JobRecord>, assignments: PlanAssignment[], nodes: readonly Pick<NodeRecord, "id" | "speed">[], policy: Policy, now: number,
): Promise<CommitOutcome> {
  const speeds = new Map(nodes.map((n) => [n.id, n.speed]));
  const byShard = new Map<string, { job: JobRecord; stepIndex: number; no: number; list: PlanAssignment[] }>();
  const warnings: string[] = [];
  for (const a of assignments) {
    const job = jobs.get(a.jobId);
    const stepIndex = job?.steps.findIndex((s) => s.name === a.stepName) ?? -1;
    if (!job || stepIndex < 0) { warnings.push(`assignment ${a.taskId}: job or step not in this cycle's snapshot`); continue; }
    const k = `${a.jobId}\n${a.stepName}\n${shardNoOf(a.taskIndex)}`;
    const g = byShard.get(k) ?? { job, stepIndex, no: shardNoOf(a.taskIndex), list: [] };
    g.list.push(a);
    byShard.set(k, g);
  }
  // The snapshot's shards by key, so each grant starts from what was read (no read, no scan).
  const known = new Map<string, ShardRecord>();
  for (const job of new Set([...byShard.values()].map((g) => g.job))) for (const s of job.shards ?? []) known.set(`${s.jobId}\n${s.stepName}\n${s.no}`, s);
  const order = new Map(assignments.map((a, i) => [a, i]));
  const failedJobs = new Set<string>();
  const entries = (await mapLimit([...byShard.values()], writeConcurrency, async (g) => {
    try {
      return await grantShard(deps, g.job, g.stepIndex, g.no, g.list, speeds, policy, now, order, known.get(`${g.job.id}\n${g.job.steps[g.stepIndex]!.name}\n${g.no}`));
    } catch (err) {
      if (!failedJobs.has(g.job.id)) warnings.push(`job ${g.job.id}: leases not granted this cycle (${(err as Error).message})`);
      failedJobs.add(g.job.id);
      return [];
    }
  })).flat();
  if (entries.length > 0) await deps.nodes.deliver(entries);
  return { written: entries.length, skipped: assignments.length - entries.length, warnings };
}

async function grantShard(
  deps: ServiceDeps, job: JobRecord, stepIndex: number, no: number, list: PlanAssignment[], speeds: Map<string, Record<string, number>>, policy: Policy, now: number,
  order: Map<PlanAssignment, number>, read: ShardRecord | undefined,
): Promise<(InboxEntry & { nodeId: string })[]> {
  const step = job.steps[stepIndex]!;
  // Tokens are drawn once, outside the retry loop, so a retried write grants the same leases.
  const grants: ShardGrant[] = list.map((a) => {
    const speed = speeds.get(a.nodeId);
    return {
      taskIndex: a.taskIndex, nodeId: a.nodeId, token: deps.ids.token(), now, leaseSec: policy.leaseSec, expectedSec: a.estimatedSec, queued: a.queued,
      ...(speed ? { speed: speedOf(speed, step.kind) } : {}),
    };
  });
  let cur: ShardRecord = read ?? emptyShard(job, stepIndex, step, no);
  for (let attempt = 0; attempt < maxShardAttempts; attempt++) {
    const { next, granted } = grantInShard(cur, grants);
    if (!next) return [];
    if (await deps.tasks.write(next, { version: cur.version, settled: Object.keys(cur.settled).length })) {
      const byToken = new Map(list.map((a, i) => [grants[i]!.token, a]));
      return granted.map((l) => {
        const a = byToken.get(l.token)!;
        return {
          nodeId: l.node, kind: "grant" as const, jobId: job.id, stepName: step.name, taskIndex: l.i, token: l.token,
          queued: l.queued, estimatedSec: a.estimatedSec, taskKind: step.kind,
          frames: step.frames ? framesAt(step.frames, l.i * step.framesPerTask, step.framesPerTask) : null,
          params: step.parameterSpace ? taskAt(step.parameterSpace, l.i) : null,
          quality: step.previewQuality ?? null, leaseExpiresAt: l.expiresAt, at: now, seq: order.get(a) ?? 0,
        };
      });
    }
    cur = (await deps.tasks.shard(job.id, step.name, no)) ?? emptyShard(job, stepIndex, step, no);
  }
  throw new Error(`shard ${step.name}#${no} kept changing`);
}
