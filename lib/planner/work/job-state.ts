import type { FarmNode, Job, Policy, Step } from "../types.ts";
import { type Eligibility, type NodeClass, speedOf } from "../matching/node-classes.ts";
import { contains, countRanges } from "../preview/order.ts";

/** Tasks an unapproved job may render to show the look: first, last and middle frame. */
export const PREVIEW_GATE_TASKS = 3;

const NO_TASKS: ReadonlySet<number> = new Set<number>();

export interface StepState {
  step: Step;
  /** Pending tasks that may still run (not exhausted by retries). */
  live: number;
  /** Pending tasks that exhausted their retries. */
  dead: ReadonlySet<number>;
  running: number;
  /** Reference seconds (speed 1.0) of one task. */
  taskSec: number;
  /** Reference seconds of work left, pending and running tails. */
  workSec: number;
  eligible: NodeClass[];
  eligibleOnprem: NodeClass[];
  unmet: string | null;
  /** Why this step may not start now (dependency or approval), or null. */
  blocked: string | null;
  /** How many tasks may be started this cycle (approval gates limit it). */
  allowance: number;
}

export type JobStatus = "active" | "done" | "failed" | "suspended" | "waiting" | "blocked" | "cycle";

export interface JobState {
  job: Job;
  steps: StepState[];
  status: JobStatus;
  statusReason: string;
  workSec: number;
  liveTasks: number;
  runningTasks: number;
  /** Slots of eligible on-prem capacity the job could use at once, within its client's cap. */
  localParallelism: number;
  /** Slot-weighted mean speed for the job's kinds over eligible classes. */
  speed: number;
  /** Longest reference task, the shortest the job can possibly take. */
  longestTaskSec: number;
  /** No frame yet: nothing done or running in any step (the dispatch asks this of every member, many times a cycle). */
  fresh: boolean;
  /** Every node refuses the job for failures: this one is accepted again (matching/refusals.ts forgivenNode; set by prepareCycle). */
  forgiven?: FarmNode;
}

export interface JobStateInput {
  policy: Policy;
  eligibility: Eligibility;
  /** Seconds left on running leases per `jobId:stepName` (runningTails), or per job and step (runningTailsByJob). */
  runningTailSec?: Map<string, number>;
  tailsByJob?: ReadonlyMap<string, ReadonlyMap<string, number>>;
  maxSlotsOf: (clientId: string) => number;
  cyclic: Map<string, string>;
}

export function jobState(job: Job, input: JobStateInput): JobState {
  const tails = input.tailsByJob?.get(job.id);
  const steps: StepState[] = [];
  let hasPreviewStep = false;
  for (const st of job.steps) {
    steps.push(stepState(job, st, input, tails));
    if (st.role === "preview") hasPreviewStep = true;
  }
  if (steps.length > 1 || hasPreviewStep || job.preview.approval === "pending") {
    const byName = new Map<string, StepState>();
    for (const s of steps) byName.set(s.step.name, s);
    for (const s of steps) s.blocked = stepBlocked(job, s, byName, hasPreviewStep);
  }
  let workSec = 0;
  let liveTasks = 0;
  let runningTasks = 0;
  let deadTasks = 0;
  let longestTaskSec = 0;
  let fresh = true;
  for (const s of steps) {
    if (s.step.doneTasks !== 0 || s.running !== 0) fresh = false;
    s.allowance = s.blocked ? 0 : gateAllowance(job, s, hasPreviewStep);
    workSec += s.workSec;
    liveTasks += s.live;
    runningTasks += s.running;
    deadTasks += s.dead.size;
    if (s.live + s.running > 0) longestTaskSec = Math.max(longestTaskSec, s.taskSec);
  }
  const [status, statusReason] = classify(job, input, liveTasks, runningTasks, deadTasks);

  let parallel = 0;
  let speedSum = 0;
  let slotSum = 0;
  for (const s of steps) {
    const local = s.eligibleOnprem;
    let slots = 0;
    for (const c of local) slots += c.slots;
    parallel = Math.max(parallel, slots);
    for (const c of local) {
      speedSum += speedOf(c.speed, s.step.kind) * c.slots * s.workSec;
      slotSum += c.slots * s.workSec;
    }
  }
  const cap = input.maxSlotsOf(job.clientId);
  return {
    job,
    steps,
    status,
    statusReason,
    workSec,
    liveTasks,
    runningTasks,
    localParallelism: Math.max(0, Math.min(parallel, cap, liveTasks + runningTasks)),
    speed: slotSum > 0 ? speedSum / slotSum : 1,
    longestTaskSec,
    fresh,
  };
}

function stepState(job: Job, step: Step, input: JobStateInput, tails: ReadonlyMap<string, number> | undefined): StepState {
  let dead = NO_TASKS;
  if (step.failedAttempts) {
    const found = new Set<number>();
    for (const [idx, attempts] of Object.entries(step.failedAttempts)) {
      const i = Number(idx);
      if (attempts >= input.policy.failures.retriesPerTask && contains(step.pending, i)) found.add(i);
    }
    dead = found;
  }
  const live = countRanges(step.pending) - dead.size;
  const taskSec = step.framesPerTask * step.secondsPerFrame;
  const recorded = input.tailsByJob ? tails?.get(step.name) : input.runningTailSec?.get(`${job.id}:${step.name}`);
  const tail = recorded ?? step.runningTasks * taskSec * 0.5;
  const { classes, onprem, unmet } = input.eligibility.of(step.requirements);
  return { step, live, dead, running: step.runningTasks, taskSec, workSec: live * taskSec + tail, eligible: classes, eligibleOnprem: onprem, unmet, blocked: null, allowance: 0 };
}

function stepBlocked(job: Job, s: StepState, byName: Map<string, StepState>, hasPreviewStep: boolean): string | null {
  for (const dep of s.step.dependsOn) {
    const d = byName.get(dep);
    if (!d) return `step "${s.step.name}" depends on unknown step "${dep}"`;
    if (d.dead.size > 0) return `step "${dep}" has ${d.dead.size} task(s) that failed every retry`;
    if (d.live + d.running > 0) return `step "${s.step.name}" waits for step "${dep}" (${d.live + d.running} tasks left)`;
  }
  if (job.preview.approval === "pending" && s.step.role === "final" && hasPreviewStep) {
    return "finals held until the preview is approved";
  }
  return null;
}

function gateAllowance(job: Job, s: StepState, hasPreviewStep: boolean): number {
  if (job.preview.approval !== "pending" || s.step.role !== "final" || hasPreviewStep) return s.live;
  // No preview pass: render the first, last and middle frame, then hold for approval.
  return Math.max(0, Math.min(s.live, PREVIEW_GATE_TASKS - s.step.doneTasks - s.running));
}

const ACTIVE: [JobStatus, string] = ["active", ""];
const DONE: [JobStatus, string] = ["done", "all tasks finished"];

function classify(job: Job, input: JobStateInput, liveTasks: number, runningTasks: number, deadTasks: number): [JobStatus, string] {
  const { errorsPerJob } = input.policy.failures;
  const cycle = input.cyclic.get(job.id);
  if (cycle) return ["cycle", `dependency cycle: ${cycle}`];
  if (liveTasks + runningTasks + deadTasks === 0) return DONE;
  if (job.errorCount >= errorsPerJob) return ["failed", `failed: ${job.errorCount} errors reached the job limit of ${errorsPerJob}`];
  if (job.suspended) return ["suspended", "suspended by a user"];
  if (liveTasks + runningTasks === 0) return ["failed", `failed: ${deadTasks} task(s) failed every retry`];
  return ACTIVE;
}

/** Seconds left on running leases per `jobId:stepName`, from the leases' expected ends. */
export function runningTails(nodes: readonly FarmNode[], now: number): Map<string, number> {
  const tails = new Map<string, number>();
  for (const n of nodes) {
    for (const l of n.leases) {
      const key = `${l.jobId}:${l.stepName}`;
      tails.set(key, (tails.get(key) ?? 0) + Math.max(0, (l.expectedEndAt - now) / 1000));
    }
  }
  return tails;
}

/** runningTails per job, then step: the same sums, without a key string per lease and step. */
export function runningTailsByJob(nodes: readonly FarmNode[], now: number): Map<string, Map<string, number>> {
  const tails = new Map<string, Map<string, number>>();
  for (const n of nodes) {
    for (const l of n.leases) {
      let job = tails.get(l.jobId);
      if (!job) tails.set(l.jobId, (job = new Map()));
      job.set(l.stepName, (job.get(l.stepName) ?? 0) + Math.max(0, (l.expectedEndAt - now) / 1000));
    }
  }
  return tails;
}
