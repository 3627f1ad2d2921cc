/**
 * The EDF deficit: how much of each job's remaining work would not fit before its deadline if
 * the on-prem farm ran the queue in earliest-deadline order from now. A fluid projection, as a
 * wrangler's spreadsheet would do it: every slot is free at its running lease's expected end,
 * each job (deadline order, kind-blind estimate) takes up to `tasks` of the earliest-free slots
 * it is eligible for and fills them with water up to its finish; what lies beyond the deadline
 * is its deficit and, by assumption, goes to the cloud, so later jobs see the farm only up to
 * that deadline taken. Work carries the user's safety margin, estimate × (1 + σ × spread), as
 * any wrangler pads a runtime estimate. O(jobs × slots log slots) per call, no per-task loop.
 */
import type { FarmNode, Job, Snapshot, Step } from "../../planner/index.ts";
import { meets } from "../eligibility.ts";

export interface JobDeficit {
  job: Job;
  /** The step whose requirements set the job's eligible hardware. */
  step: Step;
  /** Estimated seconds (reference speed) the farm cannot fit before the deadline. */
  deficitSec: number;
  /** Remaining work, estimated seconds with the margin. */
  workSec: number;
  /** Pending tasks (a cloud fleet for the job never needs more nodes than this). */
  pendingTasks: number;
  /** Seconds of one task at reference speed. */
  taskSec: number;
}

const pendingOf = (s: Step): number => s.pending.reduce((k, r) => k + r.to - r.from + 1, 0);

/** The first step with pending work whose dependencies are done (baselines treat steps in order). */
function openStep(job: Job): Step | undefined {
  return job.steps.find((s) => pendingOf(s) > 0);
}

export function edfDeficits(snapshot: Snapshot, now: number, sigma: number): JobDeficit[] {
  const onprem = snapshot.nodes.filter((n) => n.pool === "onprem" && (n.status === "ready" || n.status === "booting" || n.status === "asleep"));
  // One entry per slot: when it frees (lease end, or ready time for a waking node).
  const slots: { node: FarmNode; free: number }[] = [];
  for (const n of onprem) {
    const base = n.status === "ready" ? now : Math.max(now, n.readyAt ?? now);
    const ends = n.leases.map((l) => Math.max(base, l.expectedEndAt)).sort((a, b) => a - b);
    for (let k = 0; k < n.slots; k++) slots.push({ node: n, free: ends[k] ?? base });
  }
  const jobs = snapshot.jobs
    .filter((j) => j.deadlineAt !== null && !j.suspended)
    .sort((a, b) => a.deadlineAt! - b.deadlineAt! || a.submittedAt - b.submittedAt || (a.id < b.id ? -1 : 1));
  const out: JobDeficit[] = [];
  for (const job of jobs) {
    const step = openStep(job);
    if (!step) continue;
    const pendingTasks = job.steps.reduce((s, st) => s + pendingOf(st), 0);
    const taskSec = step.secondsPerFrame * step.framesPerTask;
    const work = job.steps.reduce((s, st) => s + pendingOf(st) * st.secondsPerFrame * st.framesPerTask * (1 + sigma * st.runtimeSpread), 0);
    const d = job.deadlineAt!;
    const mine = slots.filter((s) => !s.node.blocklist.includes(job.id) && meets(s.node.capabilities, step.requirements))
      .sort((a, b) => a.free - b.free).slice(0, Math.max(1, pendingTasks));
    let fits = 0;
    for (const s of mine) fits += Math.max(0, d - s.free) / 1000;
    if (fits >= work) {
      // Water-fill: the level T where Σ max(0, T − free) equals the work.
      let level = now;
      let left = work;
      for (let i = 0; i < mine.length && left > 0; i++) {
        const next = i + 1 < mine.length ? Math.min(mine[i + 1]!.free, d) : d;
        const width = i + 1;
        const room = Math.max(0, (next - Math.max(level, mine[i]!.free)) / 1000) * width;
        level = Math.max(level, mine[i]!.free);
        if (room >= left) { level += (left / width) * 1000; left = 0; } else { left -= room; level = next; }
      }
      for (const s of mine) s.free = Math.max(s.free, level);
    } else {
      for (const s of mine) s.free = Math.max(s.free, d);
    }
    out.push({ job, step, deficitSec: Math.max(0, work - fits), workSec: work, pendingTasks, taskSec });
  }
  return out;
}
