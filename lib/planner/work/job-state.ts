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
}

export interface JobStateInput {
  policy: Policy;
  eligibility: Eligibility;
  runningTailSec: Map<string, number>;
  maxSlotsOf: (clientId: string) => number;
  cyclic: Map<string, string>;
}

export function jobState(job: Job, input: JobStateInput): JobState {
  const steps = job.steps.map((s) => stepState(job, s, input));
  const hasPreviewStep = steps.some((s) => s.step.role === "preview");
  if (steps.length > 1 || hasPreviewStep || job.preview.approval === "pending") {
    const byName = new Map(steps.map((s) => [s.step.name, s]));
    for (const s of steps) s.blocked = stepBlocked(job, s, byName, hasPreviewStep);
  }
  for (const s of steps) s.allowance = s.blocked ? 0 : gateAllowance(job, s, hasPreviewStep);

  const workSec = steps.reduce((t, s) => t + s.workSec, 0);
  const liveTasks = steps.reduce((t, s) => t + s.live, 0);
  const runningTasks = steps.reduce((t, s) => t + s.running, 0);
  const deadTasks = steps.reduce((t, s) => t + s.dead.size, 0);
  const [status, statusReason] = classify(job, input, { liveTasks, runningTasks, deadTasks });

  let parallel = 0;
  let speedSum = 0;
  let slotSum = 0;
  for (const s of steps) {
    const local = s.eligibleOnprem;
    parallel = Math.max(parallel, local.reduce((t, c) => t + c.slots, 0));
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
    longestTaskSec: steps.reduce((m, s) => (s.live + s.running > 0 ? Math.max(m, s.taskSec) : m), 0),
  };
}

function stepState(job: Job, step: Step, input: JobStateInput): StepState {
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
  const tail = input.runningTailSec.get(`${job.id}:${step.name}`) ?? step.runningTasks * taskSec * 0.5;
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

function classify(job: Job, input: JobStateInput, t: { liveTasks: number; runningTasks: number; deadTasks: number }): [JobStatus, string] {
  const { errorsPerJob } = input.policy.failures;
  const cycle = input.cyclic.get(job.id);
  if (cycle) return ["cycle", `dependency cycle: ${cycle}`];
  if (t.liveTasks + t.runningTasks + t.deadTasks === 0) return ["done", "all tasks finished"];
  if (job.errorCount >= errorsPerJob) return ["failed", `failed: ${job.errorCount} errors reached the job limit of ${errorsPerJob}`];
  if (job.suspended) return ["suspended", "suspended by a user"];
  if (t.liveTasks + t.runningTasks === 0) return ["failed", `failed: ${t.deadTasks} task(s) failed every retry`];
  return ["active", ""];
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
