/**
 * Kind-blind first-fit dispatch shared by the baselines: walk free slots (and slots about to
 * free, as workers that pull their next task do) in node-id order and give each the job a
 * policy-specific `pick` prefers among those with an eligible pending task. Hard
 * requirements, blocklists, dependencies and cloud permission are always respected; speed
 * per kind and tags are ignored, as in the originals.
 */
import type { Assignment, FarmNode, Job, JobDecision, Plan, Policy, Snapshot, Step } from "../../planner/index.ts";
import { meets } from "../eligibility.ts";

export interface Cursor {
  job: Job;
  /** Tasks of this job running now plus those assigned in this pass. */
  rendering: number;
  assigned: number;
  steps: { step: Step; ranges: { from: number; to: number }[] }[];
  waiting: boolean;
}

export type Pick = (node: FarmNode, candidates: Cursor[], all: Cursor[]) => Cursor | undefined;

function stepDone(s: Step): boolean {
  return s.pending.length === 0 && s.runningTasks === 0 && s.doneTasks >= s.taskCount;
}

export function cursors(snapshot: Snapshot): Cursor[] {
  return snapshot.jobs.map((job) => ({
    job,
    rendering: job.steps.reduce((s, st) => s + st.runningTasks, 0),
    assigned: 0,
    waiting: job.dependsOn.length > 0 || !!job.suspended,
    steps: job.steps
      .filter((s) => s.dependsOn.every((d) => { const dep = job.steps.find((x) => x.name === d); return dep !== undefined && stepDone(dep); }))
      .map((step) => ({ step, ranges: step.pending.map((r) => ({ ...r })) })),
  }));
}

function cloudOk(snapshot: Snapshot, node: FarmNode, job: Job): boolean {
  if (node.pool !== "cloud") return true;
  // A rented node is its client's (billing and budget are per client), as in the service.
  if (node.clientId !== undefined && node.clientId !== job.clientId) return false;
  return job.cloudAllowed && (snapshot.clients.find((c) => c.id === job.clientId)?.cloudAllowed ?? false);
}

/** The first step of the cursor with a pending task this node may run. */
export function eligibleStep(snapshot: Snapshot, node: FarmNode, c: Cursor): Cursor["steps"][number] | undefined {
  if (c.waiting || node.blocklist.includes(c.job.id) || !cloudOk(snapshot, node, c.job)) return undefined;
  return c.steps.find((s) => s.ranges.length > 0 && meets(node.capabilities, s.step.requirements));
}

function take(s: Cursor["steps"][number]): number {
  const r = s.ranges[0]!;
  const i = r.from;
  if (r.from === r.to) s.ranges.shift(); else r.from++;
  return i;
}

/** Free slots now, then slots whose lease ends within the pre-assignment window (queued). */
function slots(snapshot: Snapshot, policy: Policy, now: number): { node: FarmNode; queued: boolean }[] {
  const ready = snapshot.nodes.filter((n) => n.status === "ready").sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const out: { node: FarmNode; queued: boolean }[] = [];
  for (const n of ready) for (let k = n.leases.length; k < n.slots; k++) out.push({ node: n, queued: false });
  for (const n of ready) {
    if (n.leases.length < n.slots) continue;
    if (n.leases.some((l) => l.expectedEndAt <= now + policy.preassignWithinSec * 1000)) out.push({ node: n, queued: true });
  }
  return out;
}

export function dispatch(snapshot: Snapshot, policy: Policy, now: number, pick: Pick, all = cursors(snapshot)): { assignments: Assignment[]; all: Cursor[] } {
  const assignments: Assignment[] = [];
  for (const { node, queued } of slots(snapshot, policy, now)) {
    const candidates = all.filter((c) => eligibleStep(snapshot, node, c) !== undefined);
    const c = candidates.length > 0 ? pick(node, candidates, all) : undefined;
    if (!c) continue;
    const s = eligibleStep(snapshot, node, c)!;
    const taskIndex = take(s);
    c.rendering++;
    c.assigned++;
    const speed = node.speed[s.step.kind] ?? 1;
    assignments.push({
      nodeId: node.id, jobId: c.job.id, stepName: s.step.name, taskIndex, taskId: `${c.job.id}:${s.step.name}:${taskIndex}`,
      frames: taskIndex * s.step.framesPerTask, estimatedSec: (s.step.secondsPerFrame * s.step.framesPerTask) / (speed > 0 ? speed : 1),
      queued, reason: "baseline first-fit",
    });
  }
  return { assignments, all };
}

/** Decisions in the given order, so "why is my job not running?" has an answer here too. */
export function decisions(snapshot: Snapshot, ordered: Cursor[]): JobDecision[] {
  return ordered.map((c, rank) => {
    const running = c.job.steps.some((s) => s.runningTasks > 0);
    const fits = snapshot.nodes.some((n) => c.job.steps.some((s) => meets(n.capabilities, s.requirements)));
    const outcome: JobDecision["outcome"] = c.waiting ? "waiting" : c.assigned > 0 ? "placed" : running ? "running" : fits ? "held" : "unplaceable";
    return {
      jobId: c.job.id, clientId: c.job.clientId, outcome, reason: `baseline: ${outcome}`, rank, slackSec: null,
      effectiveDeadlineAt: c.job.deadlineAt, atRisk: false, projectedFinishAt: null,
      remainingWorkSec: c.job.steps.reduce((s, st) => s + st.secondsPerFrame * st.framesPerTask * (st.taskCount - st.doneTasks), 0),
      tasksAssigned: c.assigned,
    };
  });
}

export function basePlan(now: number, assignments: Assignment[], jobs: JobDecision[]): Plan {
  return { at: now, jobs, assignments, preemptions: [], burst: [], nodeActions: [], shares: [], warnings: [] };
}

/** A plan from a fixed job order: the first eligible job in order wins each slot. */
export function orderedPlan(snapshot: Snapshot, policy: Policy, now: number, compare: (a: Job, b: Job) => number): Plan {
  const all = cursors(snapshot).sort((a, b) => compare(a.job, b.job) || (a.job.id < b.job.id ? -1 : 1));
  const { assignments } = dispatch(snapshot, policy, now, (_n, cands) => cands[0], all);
  return basePlan(now, assignments, decisions(snapshot, all));
}
