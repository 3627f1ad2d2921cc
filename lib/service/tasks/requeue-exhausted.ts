/**
 * Give a job's exhausted tasks (out of retries) another go: every stored shard turns `x` back
 * into `p` with fresh failure counts and returns to the planner's view, then the header reopens
 * (status queued, error count 0). Shards first: a crash in between leaves a closed job whose
 * shards the next cycle closes again — the requeue can simply be repeated, nothing runs twice.
 * (For a requeue use case, e.g. the monitor's "requeue failed".)
 */
import type { JobRecord, ShardRecord } from "../model.ts";
import type { ServiceDeps } from "../ports.ts";

const maxShardAttempts = 8;

export function requeueShard(s: ShardRecord): ShardRecord | null {
  if (!s.state.includes("x")) return null;
  const failed: Record<string, number> = {};
  for (const [i, n] of Object.entries(s.failed)) if (s.state[Number(i) - s.from] !== "x") failed[i] = n;
  return { ...s, state: s.state.replaceAll("x", "p"), failed };
}

/** Returns how many tasks return to pending (stored shards only; never-written ones follow the header). */
export async function requeueExhaustedTasks(deps: ServiceDeps, job: JobRecord): Promise<number> {
  let requeued = 0;
  for (const s0 of job.shards ?? []) {
    let cur: ShardRecord | undefined = s0;
    for (let attempt = 0; cur; attempt++) {
      if (attempt >= maxShardAttempts) throw new Error(`shard ${s0.stepName}#${s0.no} kept changing`);
      const next = requeueShard(cur) ?? cur; // unchanged shards still return to the active view
      if (await deps.tasks.write(next, { version: cur.version, settled: Object.keys(cur.settled).length }, true)) {
        requeued += [...cur.state].filter((c) => c === "x").length;
        break;
      }
      cur = await deps.tasks.shard(s0.jobId, s0.stepName, s0.no);
    }
  }
  await deps.jobs.patch(job.id, { set: { status: "queued", finishedAt: null, errorCount: 0 } });
  return requeued;
}
