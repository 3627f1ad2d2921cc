import type { FarmNode, Preemption } from "../types.ts";
import type { JobState } from "../work/job-state.ts";
import type { ShareLedger } from "./ledger.ts";

export interface ReclaimInput {
  runnable: readonly JobState[];
  ledger: ShareLedger;
  nodes: readonly FarmNode[];
  states: ReadonlyMap<string, JobState>;
}

/**
 * Running frames are never killed to rebalance shares — unless their step can checkpoint.
 * When a client with demand is still below its guarantee after dispatch, borrowers' checkpointable
 * tasks (most recently started first: least progress to save) are asked to checkpoint and yield.
 * The freed slots go to the owner on the next cycle, which the checkpoint's completion triggers.
 */
export function reclaimByCheckpoint(input: ReclaimInput): Preemption[] {
  const { ledger, states } = input;
  const owed = new Map<string, number>();
  for (const s of input.runnable) {
    const c = s.job.clientId;
    if (owed.has(c)) continue;
    const missing = Math.min(ledger.guaranteeOf(c), ledger.demandOf(c)) - ledger.usedBy(c);
    if (missing > 0) owed.set(c, missing);
  }
  const preemptions: Preemption[] = [];
  if (owed.size === 0) return preemptions;
  // Only a task of a checkpointable step can yield: the jobs with one, found once, and no lease scan when there are none.
  const yielding = new Set<string>();
  for (const s of states.values()) if (s.steps.some((st) => st.step.checkpointable === true)) yielding.add(s.job.id);
  if (yielding.size === 0) return preemptions;
  const candidates: { node: FarmNode; lease: FarmNode["leases"][number]; client: string }[] = [];
  for (const n of input.nodes) {
    if (n.pool !== "onprem" || n.status !== "ready") continue;
    for (const l of n.leases) {
      if (!yielding.has(l.jobId)) continue;
      const s = states.get(l.jobId);
      if (!s || !checkpointable(s, l.stepName)) continue;
      candidates.push({ node: n, lease: l, client: s.job.clientId });
    }
  }
  candidates.sort((a, b) => b.lease.startedAt - a.lease.startedAt || (a.lease.taskId < b.lease.taskId ? -1 : 1));
  for (const [owner, missing] of [...owed].sort(([a], [b]) => (a < b ? -1 : 1))) {
    let left = missing;
    for (const c of candidates) {
      if (left <= 0) break;
      if (c.client === owner || ledger.usedBy(c.client) <= ledger.guaranteeOf(c.client)) continue;
      preemptions.push({ nodeId: c.node.id, taskId: c.lease.taskId, reason: `checkpoint and yield: client ${owner} is below its guaranteed share and ${c.client} is borrowing` });
      ledger.add(c.client, -1);
      c.client = owner; // taken: not offered twice
      left--;
    }
  }
  return preemptions;
}

/** Whether the job's (first) step of that name can checkpoint: a loop, not a closure per lease (thousands a cycle). */
function checkpointable(s: JobState, stepName: string): boolean {
  for (const st of s.steps) if (st.step.name === stepName) return st.step.checkpointable === true;
  return false;
}
