/**
 * What a simulation is made of (a Scenario) and what it returns (a SimResult).
 * Instants are epoch ms and durations seconds, as in the planner contract.
 */
import type { Capabilities, Client, CloudOffer, Job, Plan, Policy, Snapshot, Tariff } from "../planner/index.ts";

/** Anything with plan()'s signature: the planner itself or a baseline. */
export type PlanFn = (snapshot: Snapshot, policy: Policy, now: number) => Plan;

export interface SimNodeSpec {
  id: string;
  capabilities: Capabilities;
  tags: string[];
  /** True throughput per kind relative to the reference node (missing kind: 1.0). */
  speed: Record<string, number>;
  slots: number;
  powerIdleW: number;
  powerBusyW: number;
  /** Draw while powered down (default 5 W). */
  powerSleepW?: number;
  /** Seconds from a wake action to ready (default 180). */
  wakeSec?: number;
}

export interface SimJobSpec {
  /** The job as submitted: every task pending, nothing running. */
  job: Job;
  submitAt: number;
  /**
   * Per-task runtime multipliers (mean 1) to draw from, e.g. real frame times normalised;
   * absent: lognormal with the step's runtimeSpread.
   */
  runtimeSamples?: number[];
  /** True mean runtime ÷ the estimate (estimates are often off; default 1). */
  trueRuntimeFactor?: number;
}

export type SimEvent =
  | { at: number; type: "deadline"; jobId: string; deadlineAt: number | null }
  | { at: number; type: "priority"; jobId: string; priority: number }
  | { at: number; type: "crash"; nodeId: string; downSec: number };

export interface FaultModel {
  /** Probability a task attempt fails part-way (frame error). */
  frameErrorRate: number;
  /** Probability a finished attempt's output is found corrupt and must be re-rendered. */
  corruptOutputRate: number;
  /** Random crashes per on-prem node per hour. */
  nodeCrashPerHour: number;
  /** How long a crashed node stays down, seconds. */
  crashDownSec: number;
}

export interface Scenario {
  name: string;
  description: string;
  seed: number;
  startAt: number;
  /** The run stops here even if work remains (unfinished jobs count as misses). */
  endAt: number;
  nodes: SimNodeSpec[];
  clients: Client[];
  cloudOffers: CloudOffer[];
  tariff: Tariff | null;
  jobs: SimJobSpec[];
  events: SimEvent[];
  faults: FaultModel;
  /** Periodic planning tick, seconds (the EventBridge schedule: 60). */
  planIntervalSec: number;
  /** Delay from a triggering event to its coalesced plan, seconds. */
  replanDelaySec: number;
  /** Where the data came from, for the report. */
  sources?: string[];
}

export interface SimOptions {
  /** Hide per-kind speed and tags from the planner (to measure specialization). */
  kindBlind?: boolean;
  /** Seconds between samples of the time series (default: horizon ÷ 300). */
  sampleSec?: number;
  /** Keep every attempt (node, job, start, end, how it ended) in the result. */
  recordAttempts?: boolean;
}

export interface AttemptRecord {
  nodeId: string;
  jobId: string;
  taskIndex: number;
  startedAt: number;
  endedAt: number;
  ended: "ok" | "error" | "corrupt" | "lost";
}

export interface JobOutcomeRow {
  id: string;
  clientId: string;
  submittedAt: number;
  firstStartAt: number | null;
  firstOutputAt: number | null;
  finishedAt: number | null;
  deadlineAt: number | null;
  /** The deadline at submission, when an edit changed it. */
  originalDeadlineAt?: number | null;
  late: boolean;
  failed: boolean;
  cloudAllowed: boolean;
  /** Reference work in node-seconds at speed 1 (for throughput). */
  workSec: number;
  /** Tasks over all steps (previews are measured on multi-task jobs). */
  tasks: number;
  /** Tasks done per step at the end (the energy bound asks for the same work). */
  doneTasks: number[];
  /** Per step, which tasks were done where only some were (null: none or all); absent when no step is partly done. */
  doneSets?: (number[] | null)[];
}

export interface SeriesPoint {
  at: number;
  busySlots: number;
  availSlots: number;
  cloudNodes: number;
  powerW: number;
  pricePerKWh: number;
  energyCost: number;
  cloudCost: number;
}

export interface Tally {
  energyKWh: number;
  energyCost: number;
  /** Busy power × busy time × price: the tariff-shiftable part, comparable to the bound. */
  workEnergyKWh: number;
  workEnergyCost: number;
  cloudCost: number;
  cloudNodeHours: number;
  /** Cloud node-hours spent running a task (the rest is boot, idle and drain). */
  cloudBusyNodeHours: number;
  busySlotSec: number;
  availSlotSec: number;
  /** The same, frozen when the last job finished (utilization over the active period). */
  activeBusySlotSec: number;
  activeAvailSlotSec: number;
  wcViolationNodeSec: number;
  guaranteeViolationClientSec: number;
  idleGapsSec: number[];
  rejectedAssignments: number;
  rejectedPreemptions: number;
  plans: number;
  spotInterruptions: number;
  /** Rented nodes the plan released before they ran a task. */
  unusedRentals: number;
  crashes: number;
  taskErrors: number;
}

export interface SimResult {
  scenario: string;
  policy: string;
  startAt: number;
  endAt: number;
  jobs: JobOutcomeRow[];
  tally: Tally;
  series: SeriesPoint[];
  warnings: string[];
  attempts?: AttemptRecord[];
}
