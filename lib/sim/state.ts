/**
 * The simulator's mutable world: per-task status arrays per step (jobs stay aggregates in
 * the snapshot, but the sim must know each task), nodes with what they run and what is
 * queued behind it, and cloud billing.
 */
import type { Capabilities, Client, Job, Lease, NodeStatus, Step } from "../planner/index.ts";
import type { Scenario, SimJobSpec, SimNodeSpec } from "./types.ts";

export const PENDING = 0;
export const RUNNING = 1;
export const DONE = 2;
export const EXHAUSTED = 3;

export interface StepState {
  spec: Step;
  status: Uint8Array;
  attempts: Uint16Array;
  /** Fraction of the task already rendered and checkpointed. */
  progress: Float64Array;
  running: number;
  done: number;
  exhausted: number;
  /** What the finished tasks measured, as the service would report it (reference seconds). */
  measured: { tasks: number; refSec: number; refSecSq: number };
}

export interface JobState {
  spec: SimJobSpec;
  job: Job;
  submitted: boolean;
  steps: StepState[];
  errorCount: number;
  firstStartAt: number | null;
  firstOutputAt: number | null;
  finishedAt: number | null;
  failed: boolean;
}

export interface Attempt {
  id: number;
  jobId: string;
  stepIndex: number;
  taskIndex: number;
  startedAt: number;
  endAt: number;
  /** End as the estimate predicts it (what the planner may know), not the true end. */
  expectedEndAt: number;
  /** Progress the attempt started from (checkpoint). */
  fromProgress: number;
  outcome: "ok" | "error" | "corrupt";
}

export interface QueuedTask {
  jobId: string;
  stepIndex: number;
  taskIndex: number;
}

export interface NodeState {
  id: string;
  pool: "onprem" | "cloud";
  status: NodeStatus;
  capabilities: Capabilities;
  tags: string[];
  speed: Record<string, number>;
  slots: number;
  powerIdleW: number;
  powerBusyW: number;
  powerSleepW: number;
  wakeSec: number;
  running: Attempt[];
  queue: QueuedTask[];
  blocklist: string[];
  failuresByJob: Record<string, number>;
  idleSince: number | null;
  readyAt: number | null;
  /** Cloud only. */
  instanceType?: string;
  market?: "spot" | "on-demand";
  pricePerHour?: number;
  clientId?: string;
  billedUntil?: number;
  /** Rented and no task started on it yet (FarmNode.awaitingFirstTask). */
  awaitingFirstTask?: boolean;
  interruptAt?: number;
  /** Bumped whenever the node loses its work, so stale events are ignored. */
  epoch: number;
}

export interface SimState {
  now: number;
  jobs: Map<string, JobState>;
  jobOrder: string[];
  nodes: Map<string, NodeState>;
  clients: Map<string, Client>;
  nextAttemptId: number;
  nextCloudId: number;
}

export function nodeFromSpec(s: SimNodeSpec, at: number): NodeState {
  return {
    id: s.id, pool: "onprem", status: "ready", capabilities: s.capabilities, tags: s.tags, speed: s.speed,
    slots: s.slots, powerIdleW: s.powerIdleW, powerBusyW: s.powerBusyW, powerSleepW: s.powerSleepW ?? 5,
    wakeSec: s.wakeSec ?? 180, running: [], queue: [], blocklist: [], failuresByJob: {}, idleSince: at,
    readyAt: null, epoch: 0,
  };
}

function stepState(step: Step): StepState {
  const n = step.taskCount;
  return { spec: step, status: new Uint8Array(n), attempts: new Uint16Array(n), progress: new Float64Array(n), running: 0, done: 0, exhausted: 0, measured: { tasks: 0, refSec: 0, refSecSq: 0 } };
}

export function createState(sc: Scenario): SimState {
  const jobs = new Map<string, JobState>();
  for (const spec of sc.jobs) {
    if (jobs.has(spec.job.id)) throw new Error(`scenario ${sc.name}: job id "${spec.job.id}" appears twice`);
    const job = structuredClone(spec.job);
    jobs.set(job.id, {
      spec, job, submitted: false, steps: job.steps.map(stepState), errorCount: 0,
      firstStartAt: null, firstOutputAt: null, finishedAt: null, failed: false,
    });
  }
  const nodes = new Map<string, NodeState>();
  for (const s of sc.nodes) nodes.set(s.id, nodeFromSpec(s, sc.startAt));
  const clients = new Map(sc.clients.map((c) => [c.id, { ...c }]));
  return { now: sc.startAt, jobs, jobOrder: sc.jobs.map((j) => j.job.id), nodes, clients, nextAttemptId: 1, nextCloudId: 1 };
}

/** Pending task indices as sorted, disjoint ranges (the snapshot's aggregate form). */
export function pendingRanges(s: StepState): { from: number; to: number }[] {
  const out: { from: number; to: number }[] = [];
  let start = -1;
  for (let i = 0; i <= s.status.length; i++) {
    const p = i < s.status.length && s.status[i] === PENDING;
    if (p && start < 0) start = i;
    if (!p && start >= 0) { out.push({ from: start, to: i - 1 }); start = -1; }
  }
  return out;
}

export function stepComplete(s: StepState): boolean {
  return s.done === s.status.length;
}

export function jobComplete(j: JobState): boolean {
  return j.steps.every(stepComplete);
}

/** Every job this one depends on has finished (unknown ids wait forever, as in the service). */
export function jobDepsMet(st: SimState, j: JobState): boolean {
  return j.job.dependsOn.every((id) => st.jobs.get(id)?.finishedAt != null);
}

export function stepDepsMet(j: JobState, stepIndex: number): boolean {
  const step = j.steps[stepIndex]!.spec;
  return step.dependsOn.every((name) => {
    const d = j.steps.find((s) => s.spec.name === name);
    return d !== undefined && stepComplete(d);
  });
}

/** Active = submitted, not finished, not failed. */
export function activeJobs(st: SimState): JobState[] {
  const out: JobState[] = [];
  for (const id of st.jobOrder) {
    const j = st.jobs.get(id)!;
    if (j.submitted && j.finishedAt === null && !j.failed) out.push(j);
  }
  return out;
}

export function leaseOf(st: SimState, a: Attempt, leaseSec: number): Lease {
  const j = st.jobs.get(a.jobId)!;
  const stepName = j.steps[a.stepIndex]!.spec.name;
  return {
    taskId: `${a.jobId}:${stepName}:${a.taskIndex}`, jobId: a.jobId, stepName, taskIndex: a.taskIndex,
    startedAt: a.startedAt, expiresAt: st.now + leaseSec * 1000, expectedEndAt: a.expectedEndAt,
  };
}

export function freeSlots(n: NodeState): number {
  return n.status === "ready" ? n.slots - n.running.length : 0;
}
